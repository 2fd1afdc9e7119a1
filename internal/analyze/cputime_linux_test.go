//go:build linux

package analyze

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time of the calling OS thread. The benchmarks pin themselves to a
// thread and report posts per CPU-second as well as per wall-second, because the build machines
// are shared and wall time there says more about the neighbours than about this code.
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
