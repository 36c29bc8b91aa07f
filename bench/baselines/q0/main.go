package main

import (
	"flag"

	"streamc.dev/streamc/bench/baselines/internal/base"
)

func main() {
	q1 := flag.Bool("q1", false, "convert prices to euros (NEXMark q1)")
	flag.Parse()
	procs := base.Procs()
	outs := make([][]byte, procs)
	var head []byte
	for i, path := range base.Files(base.Input()) {
		chunks := base.Chunks(base.ReadBatch(path), procs)
		base.Parallel(len(chunks), func(c int) {
			out := outs[c][:0]
			base.Lines(chunks[c], func(line []byte) {
				b, ok := base.ParseBid(line)
				if !ok {
					base.BadRecord(path, line)
				}
				if *q1 {
					b.Price = b.Price * 89 / 100
				}
				out = base.AppendBid(out, &b)
				out = append(out, '\n')
			})
			outs[c] = out
		})
		head = base.Header(head[:0], int64(i+1)*base.Interval)
		base.Out.Write(head)
		for _, out := range outs[:len(chunks)] {
			base.Out.Write(out)
		}
		base.Out.WriteByte('\n')
	}
	base.Flush()
}
