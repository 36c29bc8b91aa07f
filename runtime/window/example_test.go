package window_test

import (
	"fmt"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/window"
)

// Example drives countByValueAndWindow(3s, 2s) over one partition as generated code
// does: Begin every batch, Add the batch's records, read the window at slide
// boundaries. Batches are 1s from a clock started at 0 (zero time 0); the input stops
// after the third batch and the windows go on.
func Example() {
	w := window.NewCountByValue[string](window.Spec{
		Interval: time.Second, Length: 3 * time.Second, Slide: 2 * time.Second, Zero: 0,
	}, 16)
	input := [][]string{{"a", "b", "a"}, {"b"}, {"c"}, {}, {}, {}}
	for i, batch := range input {
		t := rt.Time(i+1) * 1000
		w.Begin(t)
		for _, x := range batch {
			w.Add(x, 1)
		}
		if w.Fires() {
			keys, counts := w.Window()
			fmt.Println(t, keys, counts)
		}
	}
	// Output:
	// 2000 ms [a b] [2 2]
	// 4000 ms [b c] [1 1]
	// 6000 ms [] []
}
