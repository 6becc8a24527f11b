package domain

import "errors"

// Error kinds shared across packages, checked with errors.Is.
var (
	// ErrNotFound: the thing asked for does not exist (or expired).
	ErrNotFound = errors.New("not found")
	// ErrBusy: another worker holds the chat right now; try again shortly.
	ErrBusy = errors.New("busy")
	// ErrLeaseLost: the worker's lock on a chat expired before it committed.
	ErrLeaseLost = errors.New("lease lost")
	// ErrUnsupported: the messenger server does not know the method.
	ErrUnsupported = errors.New("unsupported")
)
