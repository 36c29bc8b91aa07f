package source

import "strings"

// Texts: a files source made with FilesOptions.Text hands each partition texts of whole
// lines instead of lines (Files.TextBatch); the partition cuts its lines itself with
// CutText as it reads them. The reading goroutine then only reads, and checks lines'
// lengths in one scan per MaxLineBytes of text: at two cores, cutting lines there
// competed with the partitions for the processors (bench/PERF_NOTES.md, session 11).

// CutText returns the first line of text, without its "\n" or "\r\n", and the rest
// after it; a last line without "\n" is a line too. Lines are the files source's: cut
// from a text, they are what Batch would have delivered.
func CutText(text string) (line, rest string) {
	i := strings.IndexByte(text, '\n')
	if i < 0 {
		return text, ""
	}
	return TrimCR(text[:i]), text[i+1:]
}

// TrimCR returns line without a last "\r". Generated loops cut their texts with
// strings.IndexByte and TrimCR, which the compiler inlines, where CutText is a call.
func TrimCR(line string) string {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}

// cutTexts appends to recs the texts of pieces, without the lines longer than limit
// bytes, and returns them with the sizes of the lines left out (with their "\r\n"),
// skipped pieces included, in file order: cutPieces's result as texts.
//
// Most lines are short, so the check reads windows of limit+1 bytes that start at a
// line start: when one holds a "\n", every line that ends in it is within limit bytes
// and the scan goes on after its last "\n" (strings.LastIndexByte, one vectorised call
// per window). A window without one starts a line that is longer than limit bytes
// unless a "\r" before its "\n" was all that made it so: that line is measured exactly.
func cutTexts(pieces []piece, limit int, recs []string) (_ []string, over []int) {
	for _, p := range pieces {
		if p.text == "" {
			over = append(over, p.skipped)
			continue
		}
		text := p.text
		start, pos := 0, 0 // the kept text so far begins at start; pos is a line start
		for len(text)-pos > limit {
			if j := strings.LastIndexByte(text[pos:pos+limit+1], '\n'); j >= 0 {
				pos += j + 1
				continue
			}
			size := len(text) - pos // the line with its "\n", if any
			if e := strings.IndexByte(text[pos:], '\n'); e >= 0 {
				size = e + 1
			}
			if line, _ := CutText(text[pos : pos+size]); len(line) > limit {
				if pos > start {
					recs = append(recs, text[start:pos])
				}
				over = append(over, size)
				start = pos + size
			}
			pos += size
		}
		if start < len(text) {
			recs = append(recs, text[start:])
		}
	}
	return recs, over
}

// countLines returns the number of lines in texts of whole lines.
func countLines(texts []string) int {
	n := 0
	for _, text := range texts {
		if text != "" {
			n += strings.Count(text, "\n")
			if text[len(text)-1] != '\n' {
				n++
			}
		}
	}
	return n
}

// textsOf returns lines as texts: each partition's lines joined into one text, each
// line with its "\n", so that an empty line is a line of the text (as one text each, an
// empty line would be an empty text, which holds no line).
func textsOf(parts [][]string) [][]string {
	out := make([][]string, len(parts))
	for p, lines := range parts {
		if len(lines) > 0 {
			out[p] = []string{strings.Join(lines, "\n") + "\n"}
		}
	}
	return out
}

// SplitTexts cuts texts of whole lines into parts contiguous partitions of about the same
// number of bytes, cutting a text after a line end where a partition's share ends. A
// partition may be empty (fewer lines than partitions).
func SplitTexts(texts []string, parts int) [][]string {
	parts = max(parts, 1)
	out := make([][]string, parts)
	total := 0
	for _, t := range texts {
		total += len(t)
	}
	p, done := 0, 0 // the partition being filled; the bytes given to earlier ones and it
	for _, t := range texts {
		for t != "" {
			want := (p+1)*total/parts - done // bytes until partition p's share ends
			if p == parts-1 || len(t) <= want {
				out[p] = append(out[p], t)
				done += len(t)
				break
			}
			if want <= 0 {
				p++
				continue
			}
			k := strings.IndexByte(t[want-1:], '\n') // the line end at or after the share's end
			if k < 0 || want+k == len(t) {
				out[p] = append(out[p], t)
				done += len(t)
				break
			}
			cut := want + k
			out[p] = append(out[p], t[:cut])
			done += cut
			t = t[cut:]
			p++
		}
	}
	return out
}

// linesOf cuts each partition's texts into lines.
func linesOf(parts [][]string) [][]string {
	out := make([][]string, len(parts))
	for p, texts := range parts {
		for _, t := range texts {
			for t != "" {
				var line string
				line, t = CutText(t)
				out[p] = append(out[p], line)
			}
		}
	}
	return out
}
