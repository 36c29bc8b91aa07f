//go:build !unix

package source

// offHeap returns nil: on this system reused buffers are ordinary heap memory.
func offHeap(n int) []byte { return nil }
