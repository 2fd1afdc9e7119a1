// Package bench holds Heed's throughput and latency benchmarks, run by
// `make bench` (go test -run '^$' -bench . -benchtime 1x ./internal/bench/...)
// on SQLite and PostgreSQL against an in-process node with real HTTP:
//
//   - BenchmarkInboundThroughput: signed inbound POSTs from 8 clients until
//     every message is stored and processed, in messages per second;
//   - BenchmarkInboundToSSE: from an inbound POST to the agent's SSE event
//     (GET /events with a session cookie), p50/p99, idle and under load;
//   - BenchmarkOpenInbox: the open inbox API's first page over 100,000
//     conversations, p50/p95/p99.
//
// Each benchmark does its whole measurement once per iteration and reports
// it with b.ReportMetric and a log line; NOTES.md records the figures.
// There is no non-test code here.
package bench
