//go:build !linux

package kb

import "time"

// threadCPU is not measured here; the benchmarks then omit it.
func threadCPU() time.Duration { return 0 }
