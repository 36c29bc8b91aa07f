package filesink

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Path returns the file of batch batchTime: prefix-<ms>.<ext>.
func Path(prefix, ext string, batchTime int64) string {
	return prefix + "-" + strconv.FormatInt(batchTime, 10) + "." + ext
}

// Write writes one batch's file: header (may be empty) and then, for every partition in
// order, every element as line appends it (without the newline). An existing file of
// the same batch is replaced atomically.
func Write[T any](prefix, ext string, batchTime int64, header string, parts [][]T, line func(dst []byte, v T) []byte) error {
	path := Path(prefix, ext, batchTime)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var buf []byte
	if header != "" {
		buf = append(buf, header...)
		buf = append(buf, '\n')
	}
	for _, part := range parts {
		for _, v := range part {
			buf = line(buf, v)
			buf = append(buf, '\n')
		}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(buf)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename durable; not every file system supports it
		d.Close()
	}
	return nil
}

// AppendCSVField appends s as one CSV field (RFC 4180): quoted, with quotes doubled,
// when it holds a comma, a quote, a line break or leading or trailing space.
func AppendCSVField(dst []byte, s string) []byte {
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[len(s)-1] != ' ' {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}
