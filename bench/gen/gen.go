package gen

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Sizes says how much data each data set holds.
type Sizes struct {
	Words        int // word-count words in all
	WordFiles    int // word-count files (batches)
	Vocabulary   int // distinct words the Zipf distribution draws from
	YSBEvents    int // YSB ad events in all
	YSBSeconds   int // YSB files (one second of event time each)
	Bids         int // NEXMark bids in all
	BidFiles     int // NEXMark files (batches)
	Campaigns    int // YSB campaigns
	AdsPerCampgn int // YSB ads per campaign
}

// Full is the size of `make bench`: the 40 M words issue #7 asks for.
var Full = Sizes{
	Words: 40_000_000, WordFiles: 40, Vocabulary: 100_000,
	YSBEvents: 3_000_000, YSBSeconds: 60,
	Bids: 5_000_000, BidFiles: 50,
	Campaigns: 100, AdsPerCampgn: 10,
}

// Smoke is the size of `make bench-smoke`: enough for every operator to see several
// batches and windows, small enough for CI.
var Smoke = Sizes{
	Words: 200_000, WordFiles: 5, Vocabulary: 5_000,
	YSBEvents: 30_000, YSBSeconds: 25,
	Bids: 50_000, BidFiles: 25,
	Campaigns: 100, AdsPerCampgn: 10,
}

// Seed is the seed of every data set; changing it changes every figure.
const Seed = 20240307

// Data is where the data sets of one size are, once Generate has written them.
type Data struct {
	Dir       string // the root: one directory per data set below it
	WordCount string // directory of word-count text files
	YSBEvents string // directory of YSB event files
	Campaigns string // the YSB ad → campaign JSON-lines file ({"ad_id": …, "campaign_id": …})
	Bids      string // directory of NEXMark bid CSV files
	Sizes     Sizes
}

// Paths returns where the data of sizes s live below root, without writing anything.
// The directory name carries the sizes, so that data of different sizes never mix.
func Paths(root string, s Sizes) Data {
	dir := filepath.Join(root, fmt.Sprintf("w%d-%d-%d_y%d-%d_b%d-%d_s%d",
		s.Words, s.WordFiles, s.Vocabulary, s.YSBEvents, s.YSBSeconds, s.Bids, s.BidFiles, Seed))
	return Data{
		Dir:       dir,
		WordCount: filepath.Join(dir, "wordcount"),
		YSBEvents: filepath.Join(dir, "ysb", "events"),
		Campaigns: filepath.Join(dir, "ysb", "campaigns.jsonl"),
		Bids:      filepath.Join(dir, "nexmark", "bids"),
		Sizes:     s,
	}
}

// Generate writes the data sets of sizes s below root unless a complete copy is already
// there (a marker file is written last), and returns their paths.
func Generate(root string, s Sizes) (Data, error) {
	d := Paths(root, s)
	marker := filepath.Join(d.Dir, "COMPLETE")
	if _, err := os.Stat(marker); err == nil {
		return d, nil
	}
	if err := os.RemoveAll(d.Dir); err != nil {
		return d, err
	}
	if err := WordCount(d.WordCount, s, Seed); err != nil {
		return d, err
	}
	if err := YSB(d.YSBEvents, d.Campaigns, s, Seed+1); err != nil {
		return d, err
	}
	if err := Bids(d.Bids, s, Seed+2); err != nil {
		return d, err
	}
	return d, os.WriteFile(marker, nil, 0o644)
}

// BatchFile is the name of the file of batch i: names sort in batch order.
func BatchFile(dir string, i int, ext string) string {
	return filepath.Join(dir, fmt.Sprintf("part-%05d.%s", i, ext))
}

// writeFiles creates dir and calls fill once per file with a buffered writer.
func writeFiles(dir string, files int, ext string, fill func(i int, w *bufio.Writer)) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range files {
		f, err := os.Create(BatchFile(dir, i, ext))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		fill(i, w)
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// share returns how many of total items file i of files gets: the remainder goes to the
// first files, so the counts differ by at most one.
func share(total, files, i int) int {
	n := total / files
	if i < total%files {
		n++
	}
	return n
}

// Vocabulary returns n distinct lower-case pseudo-words of 2 to 10 letters, the most
// frequent (rank 0) first; rng makes them deterministic.
func Vocabulary(rng *rand.Rand, n int) []string {
	const letters = "etaoinshrdlcumwfgypbvkjxqz"
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	buf := make([]byte, 0, 10)
	for len(out) < n {
		// Frequent words tend to be short, as in natural text.
		maxLen := 3 + min(7, len(out)/200)
		l := 2 + rng.IntN(maxLen-1)
		buf = buf[:0]
		for range l {
			// Skewed letter choice: common letters more often.
			buf = append(buf, letters[min(rng.IntN(26), rng.IntN(26))])
		}
		if w := string(buf); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// WordCount writes s.Words words drawn from a Zipf distribution (exponent 1.1) over a
// vocabulary of s.Vocabulary words, 10 words a line separated by single spaces, into
// s.WordFiles files in dir.
func WordCount(dir string, s Sizes, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 1))
	vocab := Vocabulary(rng, s.Vocabulary)
	zipf := rand.NewZipf(rng, 1.1, 1, uint64(len(vocab)-1))
	return writeFiles(dir, s.WordFiles, "txt", func(i int, w *bufio.Writer) {
		n := share(s.Words, s.WordFiles, i)
		for k := range n {
			w.WriteString(vocab[zipf.Uint64()])
			if k%10 == 9 || k == n-1 {
				w.WriteByte('\n')
			} else {
				w.WriteByte(' ')
			}
		}
	})
}

// uuid returns a random version-4 UUID in its usual text form, from rng.
func uuid(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// YSBStart is the event time of the first YSB event (epoch milliseconds).
const YSBStart = 1_500_000_000_000

// YSB writes the Yahoo Streaming Benchmark's data: s.Campaigns campaigns of
// s.AdsPerCampgn ads each (the mapping goes to the JSON-lines file campaigns, one
// {"ad_id": "…", "campaign_id": "…"} object per ad) and s.YSBEvents ad events as JSON lines in the benchmark's
// exact schema and field order, as its generator writes them:
//
//	{"user_id": "…", "page_id": "…", "ad_id": "…", "ad_type": "banner", "event_type": "view", "event_time": "1500000000123", "ip_address": "1.2.3.4"}
//
// File i holds the events whose event_time falls in second i after YSBStart, in time
// order; ad_type and event_type are uniform over the benchmark's five and three values.
func YSB(dir, campaigns string, s Sizes, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 2))
	ads := make([]string, 0, s.Campaigns*s.AdsPerCampgn)
	if err := os.MkdirAll(filepath.Dir(campaigns), 0o755); err != nil {
		return err
	}
	var mapping []byte
	for range s.Campaigns {
		c := uuid(rng)
		for range s.AdsPerCampgn {
			a := uuid(rng)
			ads = append(ads, a)
			mapping = append(mapping, `{"ad_id": "`+a+`", "campaign_id": "`+c+`"}`+"\n"...)
		}
	}
	if err := os.WriteFile(campaigns, mapping, 0o644); err != nil {
		return err
	}
	users := make([]string, 100)
	pages := make([]string, 100)
	for i := range users {
		users[i], pages[i] = uuid(rng), uuid(rng)
	}
	adTypes := []string{"banner", "modal", "sponsored-search", "mail", "mobile"}
	eventTypes := []string{"view", "click", "purchase"}
	return writeFiles(dir, s.YSBSeconds, "json", func(i int, w *bufio.Writer) {
		n := share(s.YSBEvents, s.YSBSeconds, i)
		for k := range n {
			t := YSBStart + int64(i)*1000 + int64(k*1000/n)
			w.WriteString(`{"user_id": "`)
			w.WriteString(users[rng.IntN(len(users))])
			w.WriteString(`", "page_id": "`)
			w.WriteString(pages[rng.IntN(len(pages))])
			w.WriteString(`", "ad_id": "`)
			w.WriteString(ads[rng.IntN(len(ads))])
			w.WriteString(`", "ad_type": "`)
			w.WriteString(adTypes[rng.IntN(len(adTypes))])
			w.WriteString(`", "event_type": "`)
			w.WriteString(eventTypes[rng.IntN(len(eventTypes))])
			w.WriteString(`", "event_time": "`)
			w.WriteString(strconv.FormatInt(t, 10))
			w.WriteString(`", "ip_address": "1.2.3.4"}`)
			w.WriteByte('\n')
		}
	})
}

// BidStart is the dateTime of the first bid (epoch milliseconds): NEXMark's base time,
// 2015-07-15T00:00:00Z.
const BidStart = 1_436_918_400_000

// Bids writes s.Bids NEXMark-style bids as CSV lines
// auction,bidder,price,channel,url,dateTime,extra (dateTime in epoch milliseconds), in
// s.BidFiles files, one second of dateTime per file. As NEXMark's generator does,
// auctions and bidders are mostly recent ids with a hot set that gets a large share of
// the bids, prices are log-distributed, channels are four named ones plus a long tail,
// and extra pads the record.
func Bids(dir string, s Sizes, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 3))
	channels := []string{"Google", "Facebook", "Baidu", "Apple"}
	const hotRatio = 4 // one bid in hotRatio goes to a hot auction or bidder
	var nextID int64 = 100_000
	return writeFiles(dir, s.BidFiles, "csv", func(i int, w *bufio.Writer) {
		n := share(s.Bids, s.BidFiles, i)
		var line []byte
		for k := range n {
			nextID++
			// Auctions: a hot one (a multiple of 100 near the front), else a recent one.
			var auction int64
			if rng.IntN(hotRatio) == 0 {
				auction = (nextID / 5000) * 100
			} else {
				auction = nextID/50 - rng.Int64N(100)
			}
			var bidder int64
			if rng.IntN(hotRatio) == 0 {
				bidder = (nextID/5000)*100 + 1
			} else {
				bidder = nextID/20 - rng.Int64N(1000)
			}
			price := int64(100 * (1 + rng.ExpFloat64()*rng.ExpFloat64()*50))
			var channel string
			if c := rng.IntN(10); c < len(channels) {
				channel = channels[c]
			} else {
				channel = "channel-" + strconv.Itoa(rng.IntN(10000))
			}
			t := BidStart + int64(i)*1000 + int64(k*1000/n)
			line = line[:0]
			line = strconv.AppendInt(line, auction, 10)
			line = append(line, ',')
			line = strconv.AppendInt(line, bidder, 10)
			line = append(line, ',')
			line = strconv.AppendInt(line, price, 10)
			line = append(line, ',')
			line = append(line, channel...)
			line = append(line, ",https://www.nexmark.com/"...)
			line = append(line, "abcdefghijklmnopqrstuvwxyz"[rng.IntN(26)])
			line = append(line, "/item.htm?query=1&channel_id="...)
			line = strconv.AppendInt(line, int64(rng.IntN(1<<20)), 10)
			line = append(line, ',')
			line = strconv.AppendInt(line, t, 10)
			line = append(line, ',')
			for range 8 + rng.IntN(24) {
				line = append(line, 'a'+byte(rng.IntN(26)))
			}
			line = append(line, '\n')
			w.Write(line)
		}
	})
}
