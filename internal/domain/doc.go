// Package domain holds Lotse's core types — sessions, incoming events,
// outgoing replies, button actions, what a conversation decided (Result) —
// and the interfaces that store them.
//
// It owns no I/O and imports only the standard library; every other package
// may import it, it imports none of ours.
package domain
