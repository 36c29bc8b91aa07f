package crashkit

import (
	"bufio"
	"net"
	"os"
	"sync"
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
