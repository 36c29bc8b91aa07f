package crashkit

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"streamc.dev/streamc/runtime/wal"
)

// ResumingServer is the sending side of a socket crash test. Plain TCP has no
// acknowledgements, so a sender cannot know what a crashed receiver had made durable;
// this one plays a sender that does (as a client of a reliable protocol would): each new
// connection resumes at the line set by ResumeFrom, which a test sets to the number of
// records in the receiver's write-ahead log after each crash. It never closes a
// connection itself; the test's cleanup does.
type ResumingServer struct {
	ln    net.Listener
	lines []string
	mu    sync.Mutex
	from  int
	quit  chan struct{}
}

// NewResumingServer listens on a loopback port and serves lines, about 25,000 a second,
// to every connection, until the test ends.
func NewResumingServer(t testing.TB, lines []string) *ResumingServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &ResumingServer{ln: ln, lines: lines, quit: make(chan struct{})}
	t.Cleanup(func() {
		ln.Close()
		close(s.quit)
	})
	go s.serve()
	return s
}

// Addr is the server's host:port.
func (s *ResumingServer) Addr() string { return s.ln.Addr().String() }

// ResumeFrom makes the next connection start at line n.
func (s *ResumingServer) ResumeFrom(n int) {
	s.mu.Lock()
	s.from = n
	s.mu.Unlock()
}

func (s *ResumingServer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		from := s.from
		s.mu.Unlock()
		go func() {
			defer c.Close()
			w := bufio.NewWriter(c)
			for i := from; i < len(s.lines); i++ {
				w.WriteString(s.lines[i])
				w.WriteByte('\n')
				if i%250 == 249 {
					if w.Flush() != nil {
						return
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			w.Flush()
			<-s.quit
		}()
	}
}

// WALRecords returns how many records the write-ahead log in dir holds (0 when it does
// not exist yet).
func WALRecords(t testing.TB, dir string) int {
	if _, err := os.Stat(dir); err != nil {
		return 0
	}
	l, err := wal.Open(dir, wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return int(l.Next())
}

// WriteInput writes files×perFile lines over the keys k0..k(keys-1) into dir, as
// part-0000.txt, part-0001.txt, ..., and returns the expected total per key.
func WriteInput(t testing.TB, dir string, files, perFile, keys int) map[string]int64 {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	i := 0
	for f := range files {
		var b bytes.Buffer
		for range perFile {
			k := "k" + strconv.Itoa(i*7919%keys)
			want[k]++
			b.WriteString(k + "\n")
			i++
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%04d.txt", f)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return want
}

// ReadOutputs returns the visible saveAsTextFiles directories under out whose names
// start with one of prefixes ("totals-1200", ...), each with the concatenated contents of
// its part files, and reports any directory without _SUCCESS: a partial output must never
// be visible.
func ReadOutputs(t testing.TB, out string, prefixes ...string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, sub := range prefixes {
		dirs, _ := filepath.Glob(filepath.Join(out, sub+"-*"))
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, "_SUCCESS")); err != nil {
				t.Errorf("%s has no _SUCCESS: a partial output is visible", d)
			}
			parts, _ := filepath.Glob(filepath.Join(d, "part-*"))
			var b strings.Builder
			for _, p := range parts {
				data, _ := os.ReadFile(p)
				b.Write(data)
			}
			got[filepath.Base(d)] = b.String()
		}
	}
	return got
}

// LostAndDuplicated compares final totals with the expected ones: how many records are
// missing, how many were counted more than once (or never sent), and the total counted.
func LostAndDuplicated(got, want map[string]int64) (lost, dup, sum int64) {
	for k, w := range want {
		g := got[k]
		sum += g
		if g < w {
			lost += w - g
		} else {
			dup += g - w
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			dup += g
			sum += g
		}
	}
	return lost, dup, sum
}

// KillDuring starts the pipeline with start and SIGKILLs it kills times, each after a
// random delay between 15ms (past start-up and recovery) and 1/25 of d, the duration of
// an uninterrupted run, so that the kills fall all over one crashing run. A life that
// finishes before its kill is started over from scratch (fresh removes its checkpoint),
// so that every kill lands in a running pipeline; one that fails fails the test. It
// returns the number of starts.
func KillDuring(t testing.TB, kills int, d time.Duration, start func() *exec.Cmd, fresh func()) int {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	killed, starts := 0, 0
	var stderr bytes.Buffer
	for killed < kills {
		cmd := start()
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		starts++
		delay := 15*time.Millisecond + time.Duration(rng.Int64N(int64(d/25)+1))
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("start %d failed: %v\n%s", starts, err, stderr.String())
			}
			t.Logf("start %d finished before its kill after %v; kills so far %d", starts, delay, killed)
			fresh()
			continue
		case <-time.After(delay):
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		killed++
	}
	return starts
}

// Differ returns, sorted, the outputs (as ReadOutputs gives them) whose content in got
// is not ref's or that got lacks, and those only got has, marked " (extra)".
func Differ(ref, got map[string]string) []string {
	var differ []string
	for name, w := range ref {
		if g, ok := got[name]; !ok || g != w {
			differ = append(differ, name)
		}
	}
	for name := range got {
		if _, ok := ref[name]; !ok {
			differ = append(differ, name+" (extra)")
		}
	}
	slices.Sort(differ)
	return differ
}
