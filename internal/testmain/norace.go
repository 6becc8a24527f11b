//go:build !race

package testmain

import "os"

func settled() bool { return false }

func exitNow(code int) { os.Exit(code) }

// Race: see race.go.
const Race = false
