// Package sla is Heed's service-level arithmetic: business hours (time zone,
// several periods per weekday, holidays, special days), deadline arithmetic in
// business or calendar time, holiday import from iCalendar feeds, the default
// per-channel SLA policies, and a pure evaluation of a conversation's SLA
// clocks from its timeline.
//
// Everything here is a pure function of its arguments: no database, no
// goroutines, no reading of the wall clock (callers pass "now"). The store
// keeps due times as columns and the scheduler fires thresholds; this package
// only says when they are due and which ones have been crossed.
//
// Conventions:
//   - A nil *BusinessHours means calendar time: every instant counts.
//   - A zero time.Time in a result means "no deadline" (no target, a paused
//     clock, or business time that never elapses within the scan horizon).
//     Never compare a zero due time with now as if it were a real instant.
//   - Periods never cross midnight; a 24-hour business uses 00:00–24:00 and
//     consecutive days join up seamlessly.
//   - Wall times are mapped to instants by one rule (see BusinessHours): a
//     wall time skipped by a DST jump maps to the instant the jump happens,
//     a repeated wall time maps to its first occurrence. So a period
//     01:00–03:00 lasts 1 h on a spring-forward night and 3 h on a fall-back
//     night in Europe: the real elapsed time.
package sla

// Business hours name IANA zones; embedding the zone database (about 450 KB)
// makes time.LoadLocation work in minimal containers that ship no
// /usr/share/zoneinfo, which is how Heed is deployed.
import _ "time/tzdata"
