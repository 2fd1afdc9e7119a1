// Package e2e tests Heed end to end: each test builds nothing itself but runs
// the real heed binary (built once by TestMain, with -race when the tests run
// with -race) as a child process on loopback, drives it through its command
// line and its HTTP API, and kills it with SIGKILL where a test is about crash
// safety. There is no non-test code here.
package e2e
