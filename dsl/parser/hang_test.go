package parser_test

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"streamc.dev/streamc/dsl/format"
	"streamc.dev/streamc/dsl/parser"
)

func TestHangSearch(t *testing.T) {
	files, _ := filepath.Glob("testdata/examples/*.stream")
	var seeds [][]byte
	for _, f := range files {
		b, _ := os.ReadFile(f)
		seeds = append(seeds, b)
	}
	r := rand.New(rand.NewSource(1))
	for iter := 0; iter < 200000; iter++ {
		src := append([]byte(nil), seeds[r.Intn(len(seeds))]...)
		for m := r.Intn(8); m >= 0; m-- {
			if len(src) == 0 {
				break
			}
			i := r.Intn(len(src))
			switch r.Intn(4) {
			case 0:
				src[i] = byte(r.Intn(256))
			case 1:
				src = append(src[:i], src[i+1:]...)
			case 2:
				j := r.Intn(len(src))
				k := j + r.Intn(20)
				if k > len(src) {
					k = len(src)
				}
				src = append(src[:i], append(append([]byte(nil), src[j:k]...), src[i:]...)...)
			case 3:
				src = append(src[:i], append([]byte{"(){}[],.=>\"`\n"[r.Intn(13)]}, src[i:]...)...)
			}
		}
		done := make(chan bool, 1)
		go func() {
			f, d := parser.ParseFile("x", src)
			if len(d) == 0 {
				format.Source(f)
			}
			done <- true
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			os.WriteFile("/tmp/hang.stream", src, 0o644)
			fmt.Printf("HANG %q\n", src)
			t.FailNow()
		}
	}
}
