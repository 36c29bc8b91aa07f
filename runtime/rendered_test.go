package runtime

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestPrintRendered: print of rendered partitions writes what Print writes of the
// elements, directly and through the binary's writer goroutine. The writer is slow and
// fails now and then while the next batches render into the same Rendered values (one
// output per batch, or two as word count's), so a text handed to the writer must stay
// intact until written: Begin's two buffers.
func TestPrintRendered(t *testing.T) {
	for _, tc := range []struct {
		outputs int
		fail    bool
	}{{1, false}, {1, true}, {2, false}, {2, true}} {
		fail := tc.fail
		t.Run(fmt.Sprintf("outputs=%d/failures=%v", tc.outputs, fail), func(t *testing.T) {
			w := &flakyWriter{gate: make(chan struct{})}
			if fail {
				w.fail = func(i int) bool { return i%11 == 5 }
			}
			stop := make(chan struct{})
			defer close(stop)
			go func() { // a slow disk
				r := rand.New(rand.NewPCG(1, 2))
				for {
					time.Sleep(time.Duration(r.IntN(300)) * time.Microsecond)
					select {
					case w.gate <- struct{}{}:
					case <-stop:
						return
					}
				}
			}()
			o := newPrintOut(w)
			r := rand.New(rand.NewPCG(5, 6))
			outputs := make([][]Rendered, tc.outputs)
			for i := range outputs {
				outputs[i] = make([]Rendered, 3)
			}
			var want, block, direct bytes.Buffer
			render := func(dst []byte, v int) []byte { return strconv.AppendInt(append(dst, "v="...), int64(v), 10) }
			for b := range 60 {
				for _, parts := range outputs {
					num := []int{0, 2, 7, 1 << 30}[r.IntN(4)]
					elems := make([][]int, len(parts))
					for p := range parts {
						parts[p].Begin(num)
						for range r.IntN([]int{3, 300, 9000}[r.IntN(3)]) {
							v := r.IntN(1e6)
							elems[p] = append(elems[p], v)
							renderNext(&parts[p], v, render)
						}
					}
					block.Reset()
					direct.Reset()
					if err := Print(&block, Time(b), num, elems, render); err != nil {
						t.Fatal(err)
					}
					want.Write(block.Bytes())
					if err := PrintRendered(&direct, Time(b), num, parts); err != nil {
						t.Fatal(err)
					}
					if direct.String() != block.String() {
						t.Fatalf("batch %d, print(%d): got\n%.300s\nwant\n%.300s", b, num, direct.String(), block.String())
					}
					for tries := 0; ; tries++ {
						err := PrintRendered(o, Time(b), num, parts)
						if err == nil {
							break
						}
						if !fail || tries > 10 {
							t.Fatal(err)
						}
					}
				}
			}
			finishPrintOut(t, o, w, want.String())
		})
	}
}
