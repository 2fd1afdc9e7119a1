// Package listening is the listening product: it runs the configured
// network streams (internal/listen/source), matches every post against the
// enabled listening rules of all workspaces at once (internal/listen), and
// turns each match into a stored, analysed mention per workspace.
//
// A rule whose action is "conversation" also opens an inbox conversation:
// the mention is stored as a raw inbound event of the workspace's listening
// channel (type "listening", created on first use), in the same transaction
// as the mention, so the ordinary pipeline threads, analyses, routes and
// starts SLA clocks for it like any other public post.
//
// A reply in such a conversation goes out from the workspace's own account
// on the post's network (its X channel for an X post), through the
// listening channel's connector.
//
// Each stream matches in its own goroutine and queues; one writer per stream
// stores what queued up meanwhile in one transaction and then saves the
// stream's cursor (at once after matches, at most once a second otherwise),
// so a restart resumes where the stream left off and never skips a match; a
// post seen twice is a duplicate by (workspace, network, post id) and
// stored once.
//
// Spike alerts (spike.go): the volume of each rule per hour is compared
// with the rule's own baseline; one burst raises exactly one alert.
package listening
