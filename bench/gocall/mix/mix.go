// Package mix has a small pure function, to measure a Go call in a fused chain.
package mix

// Mix scrambles n.
func Mix(n int64) int64 { return (n*2654435761 + 12345) % 1000003 % 1024 }
