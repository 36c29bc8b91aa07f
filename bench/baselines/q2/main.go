package main

import "streamc.dev/streamc/bench/baselines/internal/base"

func main() {
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
				if b.Auction%123 == 0 {
					out = append(out, '(')
					out = base.AppendInt(out, b.Auction)
					out = append(out, ',')
					out = base.AppendInt(out, b.Price)
					out = append(out, ")\n"...)
				}
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
