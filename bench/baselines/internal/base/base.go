package base

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"
)

// Interval is the batch interval of every benchmark pipeline, in milliseconds.
const Interval = 1000

// Input returns the directory the baseline reads: $INPUT, as the pipelines read it.
func Input() string {
	dir := os.Getenv("INPUT")
	if dir == "" {
		fmt.Fprintln(os.Stderr, "set INPUT to the data directory")
		os.Exit(2)
	}
	return dir
}

// Files returns the regular files of dir in name order, as a replayed files source takes
// them (hidden files are skipped, as it skips them).
func Files(dir string) []string {
	ents, err := os.ReadDir(dir)
	Check(err)
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() && e.Name()[0] != '.' {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out
}

// Check stops the program on an error.
func Check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// Out is standard output, buffered; Flush it before exiting.
var Out = bufio.NewWriterSize(os.Stdout, 1<<20)

// Flush writes what Out holds.
func Flush() { Check(Out.Flush()) }

// Header appends print()'s header for batch time t.
func Header(dst []byte, t int64) []byte {
	const rule = "-------------------------------------------\n"
	dst = append(dst, rule...)
	dst = append(dst, "Time: "...)
	dst = appendInt(dst, t)
	dst = append(dst, " ms\n"...)
	return append(dst, rule...)
}

func appendInt(dst []byte, v int64) []byte {
	var b [20]byte
	i := len(b)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	for {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return append(dst, b[i:]...)
}

// AppendInt appends v in decimal.
func AppendInt(dst []byte, v int64) []byte { return appendInt(dst, v) }

// AppendTime appends the epoch-millisecond time ms as streamc prints a time: RFC 3339 in
// UTC with milliseconds.
func AppendTime(dst []byte, ms int64) []byte {
	return time.UnixMilli(ms).UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z07:00")
}

// Procs is how many goroutines a batch is split over: one per usable core.
func Procs() int { return runtime.GOMAXPROCS(0) }

// Chunks splits data into at most n contiguous pieces that end at line ends.
func Chunks(data []byte, n int) [][]byte {
	if n <= 1 || len(data) < 1<<16 {
		return [][]byte{data}
	}
	out := make([][]byte, 0, n)
	for i := n; i > 0 && len(data) > 0; i-- {
		cut := len(data) / i
		if i == 1 {
			cut = len(data)
		} else if nl := bytes.IndexByte(data[cut:], '\n'); nl >= 0 {
			cut += nl + 1
		} else {
			cut = len(data)
		}
		out = append(out, data[:cut])
		data = data[cut:]
	}
	return out
}

// Parallel runs f(i) for i in [0, n) on n goroutines and waits for them.
func Parallel(n int, f func(i int)) {
	if n == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}

// Lines calls f for each line of chunk, without its line end ("\n" or "\r\n").
func Lines(chunk []byte, f func(line []byte)) {
	for len(chunk) > 0 {
		nl := bytes.IndexByte(chunk, '\n')
		var line []byte
		if nl < 0 {
			line, chunk = chunk, nil
		} else {
			line, chunk = chunk[:nl], chunk[nl+1:]
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		f(line)
	}
}

// ReadBatch reads the file of one batch whole.
func ReadBatch(path string) []byte {
	b, err := os.ReadFile(path)
	Check(err)
	return b
}

// Bid is a NEXMark bid, as the pipelines' Bid record holds it.
type Bid struct {
	Auction, Bidder, Price int64
	Channel, URL           []byte // slices of the input line
	DateTime               int64  // epoch milliseconds
	Extra                  []byte
}

// ParseBid decodes the CSV line auction,bidder,price,channel,url,dateTime,extra without
// allocating (the byte fields alias line). The generated data never quotes a field, so a
// quote is reported as a failure rather than handled.
func ParseBid(line []byte) (b Bid, ok bool) {
	var f [7][]byte
	for i := range 6 {
		c := bytes.IndexByte(line, ',')
		if c < 0 {
			return b, false
		}
		f[i], line = line[:c], line[c+1:]
	}
	f[6] = line
	if bytes.IndexByte(line, ',') >= 0 || bytes.IndexByte(f[3], '"') >= 0 {
		return b, false
	}
	var ok1, ok2, ok3, ok4 bool
	b.Auction, ok1 = ParseInt(f[0])
	b.Bidder, ok2 = ParseInt(f[1])
	b.Price, ok3 = ParseInt(f[2])
	b.DateTime, ok4 = ParseInt(f[5])
	b.Channel, b.URL, b.Extra = f[3], f[4], f[6]
	return b, ok1 && ok2 && ok3 && ok4
}

// ParseInt parses a decimal int64 with an optional minus sign.
func ParseInt(s []byte) (int64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// AppendBid appends b as streamc prints a Bid record.
func AppendBid(dst []byte, b *Bid) []byte {
	dst = append(dst, "Bid{auction:"...)
	dst = appendInt(dst, b.Auction)
	dst = append(dst, ",bidder:"...)
	dst = appendInt(dst, b.Bidder)
	dst = append(dst, ",price:"...)
	dst = appendInt(dst, b.Price)
	dst = append(dst, ",channel:"...)
	dst = append(dst, b.Channel...)
	dst = append(dst, ",url:"...)
	dst = append(dst, b.URL...)
	dst = append(dst, ",dateTime:"...)
	dst = AppendTime(dst, b.DateTime)
	dst = append(dst, ",extra:"...)
	dst = append(dst, b.Extra...)
	return append(dst, '}')
}

// BadRecord stops the program on a record that does not decode, as the pipelines do
// under the default onBadRecord fail.
func BadRecord(path string, line []byte) {
	fmt.Fprintf(os.Stderr, "%s: bad record %q\n", path, line)
	os.Exit(1)
}

// AdEvent holds the fields of a Yahoo Streaming Benchmark event that the baselines use;
// they alias the input line.
type AdEvent struct {
	AdID, EventType, EventTime []byte
}

// ysbFields are the seven keys of a YSB event, each of which must be present.
var ysbFields = [...]string{"user_id", "page_id", "ad_id", "ad_type", "event_type", "event_time", "ip_address"}

// ParseAdEvent decodes a YSB event: a JSON object whose seven fields are strings. It is
// the parser a careful engineer writes for a known flat schema: one pass, no allocation;
// it rejects what it does not expect (escapes, other value types, missing fields).
func ParseAdEvent(line []byte) (e AdEvent, ok bool) {
	i := skipWS(line, 0)
	if i >= len(line) || line[i] != '{' {
		return e, false
	}
	i++
	var seen uint
	for {
		i = skipWS(line, i)
		key, j, ok := jsonString(line, i)
		if !ok {
			return e, false
		}
		i = skipWS(line, j)
		if i >= len(line) || line[i] != ':' {
			return e, false
		}
		i = skipWS(line, i+1)
		val, j, ok := jsonString(line, i)
		if !ok {
			return e, false
		}
		i = skipWS(line, j)
		for f, name := range ysbFields {
			if string(key) == name {
				seen |= 1 << f
				switch f {
				case 2:
					e.AdID = val
				case 4:
					e.EventType = val
				case 5:
					e.EventTime = val
				}
				break
			}
		}
		if i >= len(line) {
			return e, false
		}
		if line[i] == '}' {
			return e, skipWS(line, i+1) == len(line) && seen == 1<<len(ysbFields)-1
		}
		if line[i] != ',' {
			return e, false
		}
		i++
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonString reads a string without escapes at b[i:], returning its contents and the
// offset after its closing quote.
func jsonString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	end := bytes.IndexByte(b[i+1:], '"')
	if end < 0 {
		return nil, i, false
	}
	s := b[i+1 : i+1+end]
	if bytes.IndexByte(s, '\\') >= 0 {
		return nil, i, false
	}
	return s, i + end + 2, true
}

// LoadCampaigns reads the YSB ad → campaign JSON-lines file; it is read once, so
// encoding/json is fast enough.
func LoadCampaigns(path string) map[string]string {
	m := map[string]string{}
	Lines(ReadBatch(path), func(line []byte) {
		var c struct {
			AdID       string `json:"ad_id"`
			CampaignID string `json:"campaign_id"`
		}
		if err := json.Unmarshal(line, &c); err != nil {
			BadRecord(path, line)
		}
		m[c.AdID] = c.CampaignID
	})
	return m
}
