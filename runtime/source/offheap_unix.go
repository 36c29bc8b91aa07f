//go:build unix

package source

import "syscall"

// offHeap returns a zeroed buffer of length n outside the Go heap (an anonymous private
// mapping), or nil when the system refuses one. Buffers that a source reuses from batch
// to batch (FilesOptions.Recycle) live there: they are long-lived, so the garbage
// collector would gain nothing by tracing them, and on its heap they would count twice,
// once as live data and once more in the room GOGC leaves for growth above it.
func offHeap(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return b
}
