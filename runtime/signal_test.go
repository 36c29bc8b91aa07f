//go:build unix

package runtime_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// runInBackground starts RunMain and returns its exit-code channel and output buffers.
func runInBackground(p *rt.Pipeline, args ...string) (done chan int, stdout, stderr *syncBuffer) {
	done = make(chan int, 1)
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	go func() { done <- rt.RunMain(p, args, stdout, stderr) }()
	return done, stdout, stderr
}

func TestSIGTERMFinishesBatch(t *testing.T) {
	started := make(chan struct{})
	src := &countSource{total: -1}
	var batches int
	p := testPipeline(50*time.Millisecond, src, func(b *rt.Batch) error {
		batches++
		if b.Index == 0 {
			close(started)
			time.Sleep(200 * time.Millisecond) // the signal arrives while the batch runs
		}
		return rt.Print(b.Context().Stdout, b.Time, 10, [][]string{{"done"}}, rt.AppendString)
	})
	done, stdout, stderr := runInBackground(p)
	<-started
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if batches != 1 || strings.Count(stdout.String(), "done\n") != 1 {
		t.Errorf("%d batches, stdout %q: want the interrupted batch finished and no other", batches, stdout.String())
	}
	if src.stops.Load() != 1 || !strings.Contains(stderr.String(), "stopping: finishing the current batch") {
		t.Errorf("stops %d, stderr:\n%s", src.stops.Load(), stderr.String())
	}
}

func TestSecondSignalExitsAtOnce(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	p := testPipeline(50*time.Millisecond, &countSource{total: -1}, func(b *rt.Batch) error {
		close(started)
		<-release // a batch stuck until the test ends
		return nil
	})
	done, _, stderr := runInBackground(p)
	<-started
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	waitFor(t, "the graceful stop", func() bool { return strings.Contains(stderr.String(), "stopping") })
	syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
	if code := <-done; code != rt.ExitSignal {
		t.Fatalf("exit %d, want %d: %s", code, rt.ExitSignal, stderr.String())
	}
}

func TestStopTimeout(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	p := testPipeline(50*time.Millisecond, &countSource{total: -1}, func(b *rt.Batch) error {
		close(started)
		<-release
		return nil
	})
	done, _, stderr := runInBackground(p, "--stop-timeout", "100ms")
	<-started
	syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
	if code := <-done; code != rt.ExitFailure || !strings.Contains(stderr.String(), "graceful stop timed out") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}

// TestSIGTERMWritesCheckpoint: a graceful stop finishes the batch, checkpoints it (even
// between periodic checkpoints) and exits 0; a restart resumes right after that batch.
func TestSIGTERMWritesCheckpoint(t *testing.T) {
	ck := t.TempDir() + "/ckpt"
	started := make(chan struct{})
	var last rt.Time
	p := testPipeline(50*time.Millisecond, &countSource{total: -1}, func(b *rt.Batch) error {
		last = b.Time
		if b.Index == 2 {
			close(started)
			time.Sleep(100 * time.Millisecond)
		}
		return nil
	})
	done, _, stderr := runInBackground(p, "--checkpoint", ck, "--checkpoint-every", "10s")
	<-started
	syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := fmt.Sprintf(`msg="checkpoint written" pipeline=test batch_time=%d`, last)
	if !strings.Contains(stderr.String(), want) {
		t.Fatalf("stderr lacks %q:\n%s", want, stderr.String())
	}
	if _, err := os.Stat(fmt.Sprintf("%s/checkpoint-%d", ck, last)); err != nil {
		t.Error(err)
	}
	stoppedAt := last
	done, _, stderr = runInBackground(p, "--checkpoint", ck, "--batches", "1")
	if code := <-done; code != 0 || !strings.Contains(stderr.String(), fmt.Sprintf("msg=\"recovering from checkpoint\" pipeline=test checkpoint=%s/checkpoint-%d", ck, stoppedAt)) ||
		last != stoppedAt.Add(50*time.Millisecond) {
		t.Fatalf("restart: exit %d\n%s", code, stderr.String())
	}
}
