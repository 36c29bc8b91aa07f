//go:build !unix

package codegen_test

import "time"

// cpuTime is -1: the CPU time of the process is not known here.
func cpuTime() time.Duration { return -1 }
