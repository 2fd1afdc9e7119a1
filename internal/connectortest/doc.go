// Package connectortest runs each platform connector end to end: the
// platform's emulator talks to a whole Heed node over real HTTP (webhooks
// in, API calls out), and the tests check what each side ends up with.
package connectortest
