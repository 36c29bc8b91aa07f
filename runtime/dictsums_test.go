package runtime

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type wordSum struct {
	k string
	v int64
}

// dictSumsBatch runs one batch through d the way generated code does: lines[p] on map
// partition p, then AddFresh, then reduce partitions 0 to n-1 (appended in order, as a
// gather of runs that are consecutive ranges reads them), then EndBatch.
func dictSumsBatch(d *DictSums, lines [][]string, vals [][]int64, n int, desc bool) []wordSum {
	countBatch(d, lines, vals)
	var out []wordSum
	for r := range n {
		out = AppendSums(d, out, r, n, desc, func(k string, v int64) wordSum { return wordSum{k, v} })
	}
	d.EndBatch()
	return out
}

func mkWordSum(k string, v int64) wordSum { return wordSum{k, v} }

func renderWordSum(dst []byte, w wordSum) []byte {
	return strconv.AppendInt(append(append(dst, w.k...), '='), w.v, 10)
}

// checkRendered fails unless PrintRendered of parts (the partitions' renders, at most
// num elements each) writes what Print writes of want.
func checkRendered(t *testing.T, what string, num int, parts []Rendered, want []wordSum) {
	t.Helper()
	var got, wantOut bytes.Buffer
	if err := PrintRendered(&got, 1000, num, parts); err != nil {
		t.Fatal(err)
	}
	if err := Print(&wantOut, 1000, num, [][]wordSum{want}, renderWordSum); err != nil {
		t.Fatal(err)
	}
	if got.String() != wantOut.String() {
		t.Fatalf("%s, print(%d):\n got %q\nwant %q", what, num, got.String(), wantOut.String())
	}
}

// countBatch runs a batch's map side through d: Begin, lines[p] with values vals[p] on
// map partition p, AddFresh.
func countBatch(d *DictSums, lines [][]string, vals [][]int64) {
	d.Begin()
	for p := range lines {
		for i, l := range lines[p] {
			d.CountWords(p, l, vals[p][i])
		}
	}
	d.AddFresh()
}

// refSums is what the general chain gives: every word of the batch once, with the
// wrapping sum of its values, in byte order of the words.
func refSums(lines [][]string, vals [][]int64, desc bool) []wordSum {
	sums := map[string]int64{}
	for p := range lines {
		for i, l := range lines[p] {
			for _, w := range strings.Fields(l) {
				sums[w] += vals[p][i]
			}
		}
	}
	out := make([]wordSum, 0, len(sums))
	for k, v := range sums {
		out = append(out, wordSum{k, v})
	}
	slices.SortFunc(out, func(a, b wordSum) int { return strings.Compare(a.k, b.k) })
	if desc {
		slices.Reverse(out)
	}
	return out
}

// randomLine is a line of words from vocab separated by ASCII and Unicode white space.
func randomLine(r *rand.Rand, vocab []string) string {
	seps := []string{" ", "  ", "\t", "\u00a0", "\u2003", "\r", "\v"}
	var b strings.Builder
	for range r.IntN(12) {
		if r.IntN(3) == 0 {
			b.WriteString(seps[r.IntN(len(seps))])
		}
		b.WriteString(vocab[r.IntN(len(vocab))])
		b.WriteString(seps[r.IntN(len(seps))])
	}
	return b.String()
}

// randomBatch returns up to most random lines of vocab for each of parts map partitions,
// each line's value drawn from low to low+4.
func randomBatch(r *rand.Rand, parts, most int, vocab []string, low int) (lines [][]string, vals [][]int64) {
	lines, vals = make([][]string, parts), make([][]int64, parts)
	for p := range parts {
		for range r.IntN(most) {
			lines[p] = append(lines[p], randomLine(r, vocab))
			vals[p] = append(vals[p], int64(r.IntN(5)+low))
		}
	}
	return lines, vals
}

// TestDictSums holds DictSums to the general chain over batches whose vocabularies
// drift (so that keys come, go and come back), with values that cancel out (a key whose
// sum is zero is still the batch's) and change from line to line (the counts settled
// into sums), words of every length and Unicode, at one to three map partitions and
// reduce partitions, in both orders, with the dictionary rebuilt often (dictSumsKeep
// lowered) and never, and with the counts' room lowered so that they settle at almost
// every line.
func TestDictSums(t *testing.T) {
	for _, keep := range []int{0, 8, 1 << 16} {
		room := dictCountRoom
		if keep == 8 {
			room = 10 // counts settled into sums at almost every line
		}
		for _, parts := range []int{1, 2, 3} {
			for _, n := range []int{1, 2, 3} {
				for _, desc := range []bool{false, true} {
					t.Run(fmt.Sprintf("keep%d/map%d/reduce%d/desc=%v", keep, parts, n, desc), func(t *testing.T) {
						defer func(k, r int) { dictSumsKeep, dictCountRoom = k, r }(dictSumsKeep, dictCountRoom)
						dictSumsKeep, dictCountRoom = keep, room
						r := rand.New(rand.NewPCG(uint64(keep*100+parts*10+n), 7))
						base := []string{"a", "b", "ab", "é", "naïve", "abcdefgh", "abcdefghi", "abcdefghijklmnop",
							"abcdefghijklmnopq", "a-very-long-word-of-more-than-sixteen-bytes", "\xff", "日本語"}
						d := NewDictSums(parts)
						maxLen := 0
						for batch := range 30 {
							vocab := slices.Clone(base[:1+batch%len(base)])
							for range r.IntN(40) {
								vocab = append(vocab, fmt.Sprintf("w%d", r.IntN(60)+batch*7))
							}
							lines, vals := randomBatch(r, parts, 20, vocab, -2)
							got := dictSumsBatch(d, lines, vals, n, desc)
							want := refSums(lines, vals, desc)
							if !slices.Equal(got, want) {
								t.Fatalf("batch %d:\n got %+v\nwant %+v", batch, got, want)
							}
							maxLen = max(maxLen, d.Len())
						}
						if keep == 0 && maxLen > 2*(len(base)+60+40) {
							t.Errorf("the dictionary grew to %d keys with rebuilds on", maxLen)
						}
					})
				}
			}
		}
	}
}

// TestDictSumsBounded runs batches of keys never seen before: the dictionary must stay
// within about twice a batch's keys above dictSumsKeep.
func TestDictSumsBounded(t *testing.T) {
	defer func(k int) { dictSumsKeep = k }(dictSumsKeep)
	dictSumsKeep = 100
	d := NewDictSums(2)
	for batch := range 50 {
		var lines [2][]string
		for p := range 2 {
			var b strings.Builder
			for i := range 100 {
				fmt.Fprintf(&b, "k%d-%d-%d ", batch, p, i)
			}
			lines[p] = []string{b.String()}
		}
		got := dictSumsBatch(d, lines[:], [][]int64{{1}, {1}}, 2, false)
		if len(got) != 200 {
			t.Fatalf("batch %d: %d keys, want 200", batch, len(got))
		}
		if d.Len() > 600 {
			t.Fatalf("batch %d: the dictionary holds %d keys", batch, d.Len())
		}
	}
}

// TestDictSumsFailedAttempt abandons a batch after its map side, and after part of its
// reduce side, then computes it again: the second attempt must count each word once.
func TestDictSumsFailedAttempt(t *testing.T) {
	lines := [][]string{{"a b a", "new words"}, {"b c", "new"}}
	vals := [][]int64{{1, 1}, {1, 1}}
	want := refSums(lines, vals, false)
	d := NewDictSums(2)
	dictSumsBatch(d, lines, vals, 2, false) // the words known from an earlier batch
	for _, stop := range []string{"map side", "reduce side"} {
		d.Begin()
		for p := range lines {
			for i, l := range lines[p] {
				d.CountWords(p, l+" extra", vals[p][i])
			}
		}
		if stop == "reduce side" {
			d.AddFresh()
			AppendSums(d, nil, 0, 2, false, func(k string, v int64) wordSum { return wordSum{k, v} })
		}
		if got := dictSumsBatch(d, lines, vals, 2, false); !slices.Equal(got, want) {
			t.Fatalf("after an attempt that stopped in its %s:\n got %+v\nwant %+v", stop, got, want)
		}
	}
}

// TestCountLines holds CountLines to CountWords line by line: lines cut from one text
// (joined across "\n" and "\r\n"), empty lines, lines from elsewhere, and lines of one
// buffer with other bytes between them (not joined: "x" is not white space).
func TestCountLines(t *testing.T) {
	text := "a b\nc d\r\nlonger-words-here x\n\nlast"
	cut := strings.Split(text, "\n")
	for i, l := range cut {
		cut[i] = strings.TrimSuffix(l, "\r")
	}
	buf := "onextwo"
	cases := [][]string{
		cut,
		{"a", "b c", "", "a"},
		{buf[:3], buf[4:]}, // "one" and "two" with "x" between them
		append(slices.Clone(cut[:2]), "c d", cut[3]),
	}
	for _, lines := range cases {
		want := refSums([][]string{lines}, [][]int64{slices.Repeat([]int64{1}, len(lines))}, false)
		d := NewDictSums(1)
		d.Begin()
		d.CountLines(0, lines, 1)
		d.AddFresh()
		got := AppendSums(d, nil, 0, 1, false, func(k string, v int64) wordSum { return wordSum{k, v} })
		d.EndBatch()
		if !slices.Equal(got, want) {
			t.Errorf("lines %q:\n got %+v\nwant %+v", lines, got, want)
		}
	}
	if joined, ok := adjacent(buf[:3], buf[4:]); ok {
		t.Errorf("adjacent joined %q", joined)
	}
	if joined, ok := adjacent(cut[0], cut[1]); !ok || joined != "a b\nc d" {
		t.Errorf("adjacent(%q, %q) = %q, %v", cut[0], cut[1], joined, ok)
	}
	if joined, ok := adjacent(cut[1], cut[2]); !ok || joined != "c d\r\nlonger-words-here x" {
		t.Errorf("adjacent(%q, %q) = %q, %v", cut[1], cut[2], joined, ok)
	}
}

// TestDictSumsCountsBounded holds a partition's counts to the text they took since they
// were last settled, which is what keeps a uint32 count from wrapping (dictCountRoom,
// lowered here to 8 bytes): with the room unchecked, the count of "a" would reach 40.
func TestDictSumsCountsBounded(t *testing.T) {
	defer func(r int) { dictCountRoom = r }(dictCountRoom)
	dictCountRoom = 8
	d := NewDictSums(1)
	lines := slices.Repeat([]string{"a a a a"}, 10)
	vals := slices.Repeat([]int64{3}, 10)
	dictSumsBatch(d, [][]string{lines[:1]}, [][]int64{vals[:1]}, 1, false) // "a" into the dictionary
	d.Begin()
	for _, l := range lines {
		d.CountWords(0, l, 3)
		if c := d.parts[0].counts[0]; c > uint32(dictCountRoom) {
			t.Fatalf("count %d after a line, over the %d bytes of room", c, dictCountRoom)
		}
	}
	d.AddFresh()
	got := AppendSums(d, nil, 0, 1, false, func(k string, v int64) wordSum { return wordSum{k, v} })
	d.EndBatch()
	if want := []wordSum{{"a", 120}}; !slices.Equal(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// TestDictSumsTotals holds the running totals (WithTotals) to a Go map of running sums,
// as updateStateByKey with the running sum gives them: every key seen so far, each
// batch, in byte order, whether or not the batch has it. Batches go through the
// reduce side by AppendSums (the batch's sums printed too) or FoldSums (only the state
// reads them), and every few batches the totals go through a checkpoint's round trip
// (Totals, then PutTotal into a new DictSums of another partition count) as a restart
// does. Also with the dictionary's rebuild threshold and the counts' room lowered: the
// totals must keep every key anyway.
func TestDictSumsTotals(t *testing.T) {
	for _, small := range []bool{false, true} {
		for _, desc := range []bool{false, true} {
			t.Run(fmt.Sprintf("small=%v/desc=%v", small, desc), func(t *testing.T) {
				defer func(k, r int) { dictSumsKeep, dictCountRoom = k, r }(dictSumsKeep, dictCountRoom)
				if small {
					dictSumsKeep, dictCountRoom = 4, 10
				}
				r := rand.New(rand.NewPCG(3, uint64(len(fmt.Sprint(small, desc)))))
				parts := 2
				d := NewDictSums(parts).WithTotals()
				ref := map[string]int64{}
				for batch := range 40 {
					if batch%7 == 6 { // a restart from a checkpoint
						parts = 1 + batch%3
						e := NewDictSums(parts).WithTotals()
						if d.TotalsLen() != len(ref) {
							t.Fatalf("batch %d: %d totals, want %d", batch, d.TotalsLen(), len(ref))
						}
						prev := ""
						for k, v := range d.Totals() {
							if k < prev {
								t.Fatalf("Totals not in byte order: %q after %q", k, prev)
							}
							prev = k
							e.PutTotal(k, v)
						}
						d = e
					}
					var vocab []string
					for range 1 + r.IntN(30) {
						vocab = append(vocab, fmt.Sprintf("w%d", r.IntN(50)+batch*3))
					}
					lines, vals := randomBatch(r, parts, 10, vocab, -1)
					want := refSums(lines, vals, desc)
					for _, ws := range want {
						ref[ws.k] += ws.v
					}
					n := 1 + batch%3
					// Every fourth batch, the sums and totals are rendered for print
					// (RenderSums, RenderTotals), printing this many of them.
					rendered, num := batch%4 == 2, []int{0, 1, 3, 1 << 30}[batch/4%4]
					sums, tots := make([]Rendered, n), make([]Rendered, 3-n%3)
					countBatch(d, lines, vals)
					var got []wordSum
					for q := range n {
						switch {
						case rendered:
							sums[q].Begin(num)
							RenderSums(d, &sums[q], q, n, desc, mkWordSum, renderWordSum)
						case batch%2 == 0:
							got = AppendSums(d, got, q, n, desc, mkWordSum)
						default:
							d.FoldSums(q, n)
						}
					}
					d.EndBatch()
					if rendered {
						checkRendered(t, fmt.Sprintf("batch %d sums", batch), num, sums, want)
					} else if batch%2 == 0 && !slices.Equal(got, want) {
						t.Fatalf("batch %d sums:\n got %+v\nwant %+v", batch, got, want)
					}
					var totals []wordSum
					for q := range 3 - n%3 {
						if rendered {
							tots[q].Begin(num)
							RenderTotals(d, &tots[q], q, 3-n%3, desc, mkWordSum, renderWordSum)
							continue
						}
						totals = AppendTotals(d, totals, q, 3-n%3, desc, mkWordSum)
					}
					var wantTotals []wordSum
					for k, v := range ref {
						wantTotals = append(wantTotals, wordSum{k, v})
					}
					slices.SortFunc(wantTotals, func(a, b wordSum) int { return strings.Compare(a.k, b.k) })
					if desc {
						slices.Reverse(wantTotals)
					}
					if rendered {
						checkRendered(t, fmt.Sprintf("batch %d totals", batch), num, tots, wantTotals)
					} else if !slices.Equal(totals, wantTotals) {
						t.Fatalf("batch %d totals:\n got %+v\nwant %+v", batch, totals, wantTotals)
					}
				}
			})
		}
	}
}

// TestDictSumsTotalsFailedAttempt: with totals, a batch after one that did not end
// panics instead of adding a failed attempt's sums twice.
func TestDictSumsTotalsFailedAttempt(t *testing.T) {
	d := NewDictSums(1).WithTotals()
	d.Begin()
	d.CountWords(0, "a b", 1)
	d.AddFresh()
	d.FoldSums(0, 1)
	defer func() {
		if recover() == nil {
			t.Error("Begin after a batch that did not end: no panic")
		}
	}()
	d.Begin()
}

// TestDictSumsShared: partitions counting the batch's texts together (Share,
// CountShared), on goroutines of their own, pieces cut small, give the general chain's
// sums and totals whichever partition counts which piece; lines with Unicode white space
// and CRLF ends, a value per batch that changes (counts settled into sums).
func TestDictSumsShared(t *testing.T) {
	defer func(b int) { dictPieceBytes = b }(dictPieceBytes)
	for _, pieceBytes := range []int{1, 7, 40, 1 << 16} {
		for _, parts := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("piece%d/parts%d", pieceBytes, parts), func(t *testing.T) {
				dictPieceBytes = pieceBytes
				r := rand.New(rand.NewPCG(uint64(pieceBytes), uint64(parts)))
				d := NewDictSums(parts).WithTotals()
				ref := map[string]int64{}
				for batch := range 25 {
					var vocab []string
					for range 1 + r.IntN(30) {
						vocab = append(vocab, fmt.Sprintf("w%d", r.IntN(50)+batch*3), "é"+fmt.Sprint(r.IntN(9)))
					}
					v := int64(1 + batch%3)
					texts := make([][]string, parts)
					lines := [][]string{nil}
					for p := range texts {
						for range r.IntN(3) {
							var text strings.Builder
							for range r.IntN(30) {
								l := randomLine(r, vocab)
								lines[0] = append(lines[0], l)
								text.WriteString(l)
								text.WriteString([]string{"\n", "\r\n"}[r.IntN(2)])
							}
							texts[p] = append(texts[p], text.String())
						}
					}
					vals := [][]int64{slices.Repeat([]int64{v}, len(lines[0]))}
					want := refSums(lines, vals, false)
					for _, ws := range want {
						ref[ws.k] += ws.v
					}
					d.Begin()
					d.Share(texts)
					if err := Parallel(parts, func(p int) error { d.CountShared(p, v); return nil }); err != nil {
						t.Fatal(err)
					}
					d.AddFresh()
					var got []wordSum
					for q := range parts {
						got = AppendSums(d, got, q, parts, false, mkWordSum)
					}
					d.EndBatch()
					if !slices.Equal(got, want) {
						t.Fatalf("batch %d sums:\n got %+v\nwant %+v", batch, got, want)
					}
				}
				for k, v := range d.Totals() {
					if ref[k] != v {
						t.Fatalf("total of %q: %d, want %d", k, v, ref[k])
					}
					delete(ref, k)
				}
				if len(ref) != 0 {
					t.Fatalf("no totals for %v", ref)
				}
			})
		}
	}
}
