package runtime_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// TestPrintToFileBeforeCheckpoint runs a pipeline whose standard output is an *os.File
// (a pipe), as a binary's is: print's blocks are then written by a goroutine while the
// next batch runs (printout.go). Every checkpoint must find the blocks of all the batches
// it covers written (print is at least once: a crash after the checkpoint does not re-run
// them), and the output at the end must be what writing each block in turn gives.
func TestPrintToFileBeforeCheckpoint(t *testing.T) {
	dir := t.TempDir()
	// Standard output is a pipe read slowly, so that a block's write is still going on
	// when the checkpoint comes if nothing waits for it.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu  sync.Mutex
		got bytes.Buffer
	)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		buf := make([]byte, 64<<10)
		for {
			n, err := r.Read(buf)
			mu.Lock()
			got.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()
	elems := make([]int, 200_000)
	for i := range elems {
		elems[i] = i
	}
	parts := [][]int{elems[:len(elems)/2], elems[len(elems)/2:]}
	render := func(dst []byte, v int) []byte { return strconv.AppendInt(dst, int64(v), 10) }
	var printed, checks atomic.Int64 // bytes printed by the batches run; checkpoints
	var failure atomic.Pointer[string]
	var times []rt.Time // of the batches run, read after the run
	// upTo holds the bytes printed by the batches up to each batch time. The
	// checkpoints are written while the next batch runs: a check finds the newest
	// checkpoint file and the bytes its batches printed.
	upTo := map[rt.Time]int64{}
	ckpt := filepath.Join(dir, "ckpt")
	check := func() {
		// Only listed: checkpoint.Open would remove the temporary file of the
		// checkpoint being written.
		files, _ := filepath.Glob(filepath.Join(ckpt, "checkpoint-*"))
		newest := rt.Time(-1)
		for _, f := range files {
			if ms, err := strconv.ParseInt(strings.TrimPrefix(filepath.Base(f), "checkpoint-"), 10, 64); err == nil {
				newest = max(newest, rt.Time(ms))
			}
		}
		if newest < 0 {
			return
		}
		checks.Add(1)
		mu.Lock()
		n := int64(got.Len())
		mu.Unlock()
		// What the pipe holds (at most its buffer) may not be read yet.
		if want := upTo[newest]; n < want-1<<20 {
			msg := fmt.Sprintf("the checkpoint of batch %d, after %d bytes printed, finds %d written", newest, want, n)
			failure.CompareAndSwap(nil, &msg)
		}
	}
	src := &countSource{total: -1}
	p := &rt.Pipeline{
		Name:       "test",
		SourceFile: "test.stream",
		Defaults:   rt.Settings{Batch: time.Second, Partitions: 2},
		Sources:    []rt.SourceInfo{{Name: "in", Kind: "queue", Address: "[[1]]", Pos: "test.stream:3:10"}},
		New: func(ctx *rt.Context) (rt.Job, error) {
			ctx.Register(src)
			ctx.OnCheckpoint(func(rt.Time) error {
				check()
				return nil
			})
			return &fnJob{run: func(b *rt.Batch) error {
				check()
				b.AddInput(src.read())
				err := b.Output(rt.Op{Pos: "test.stream:4:5", Name: "print"}, func() error {
					return rt.Print(b.Context().Stdout, b.Time, 1<<30, parts, render)
				})
				var block bytes.Buffer
				rt.Print(&block, b.Time, 1<<30, parts, render)
				upTo[b.Time] = printed.Add(int64(block.Len()))
				times = append(times, b.Time)
				return err
			}}, nil
		},
	}
	const batches = 8
	var stderr syncBuffer
	code := rt.RunMain(p, []string{"--replay", "--batches", strconv.Itoa(batches),
		"--checkpoint", ckpt, "--checkpoint-every", "1s"}, w, &stderr)
	if code != rt.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	w.Close()
	<-readerDone
	if msg := failure.Load(); msg != nil {
		t.Fatal(*msg)
	}
	if checks.Load() < 2*batches {
		t.Fatalf("%d checks, want two per batch at least", checks.Load())
	}
	if int64(got.Len()) != printed.Load() {
		t.Fatalf("%d bytes printed, want %d", got.Len(), printed.Load())
	}
	// Every block whole and in order: what printing each batch in turn gives.
	var want bytes.Buffer
	for _, bt := range times {
		rt.Print(&want, bt, 1<<30, parts, render)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatal("the output differs from the blocks printed, in order")
	}
}
