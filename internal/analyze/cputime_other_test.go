//go:build !linux

package analyze

import "time"

func threadCPU() time.Duration { return 0 }
