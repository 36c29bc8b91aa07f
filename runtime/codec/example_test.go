package codec_test

import (
	"fmt"

	"streamc.dev/streamc/runtime/codec"
)

// Click is the Go type codegen emits for `type Click { user: string, url: string, at: time }`.
type Click struct {
	User string
	URL  string
	At   int64 // epoch milliseconds
}

// clickFieldNames lists Click's fields in declaration order, for codec.CheckRequired.
var clickFieldNames = []string{"user", "url", "at"}

// decodeClickJSON is written exactly as codegen writes a JSON decoder for Click.
func decodeClickJSON(d *codec.Decoder, line string) (c Click, err error) {
	var seen uint64
	d.Reset(line)
	for d.NextField() {
		switch d.Key() {
		case "user":
			c.User, err = d.String()
			seen |= 1 << 0
		case "url":
			c.URL, err = d.String()
			seen |= 1 << 1
		case "at":
			c.At, err = d.Time()
			seen |= 1 << 2
		default:
			err = d.Skip()
		}
	}
	if err = d.End(); err != nil {
		return c, err
	}
	return c, codec.CheckRequired(seen, 0b111, clickFieldNames)
}

// decodeClickCSV is written exactly as codegen writes a CSV decoder for Click.
func decodeClickCSV(sc *codec.Splitter, line string) (c Click, err error) {
	fields, err := sc.SplitN(line, 3)
	if err != nil {
		return c, err
	}
	c.User = fields[0]
	c.URL = fields[1]
	if c.At, err = codec.ParseTime(fields[2], "at"); err != nil {
		return c, err
	}
	return c, nil
}

func Example() {
	var d codec.Decoder
	bad := codec.NewBadRecords(codec.Policy{Kind: codec.Skip}, "", false)
	for _, line := range []string{
		`{"user":"ann","url":"/home","at":"2024-03-01T12:00:00.250Z","extra":[1,{"x":null}]}`,
		`{"at":1709294400000,"url":"/cart","user":"bob"}`,
		`{"user":"cid","url":"/x"}`,
		`{"user":"dan","url":42,"at":0}`,
		`not json`,
	} {
		c, err := decodeClickJSON(&d, line)
		if err != nil {
			fmt.Println("bad:", err)
			bad.Handle("stdin()", "clicks.stream:4:20", 1709294400000, line, err)
			continue
		}
		fmt.Printf("%+v\n", c)
	}
	fmt.Println("bad records:", bad.Count())

	sc := codec.MustSplitter(",")
	c, err := decodeClickCSV(sc, `"eve, jr",/about,1709294400000`)
	fmt.Printf("%+v %v\n", c, err)
	// Output:
	// {User:ann URL:/home At:1709294400250}
	// {User:bob URL:/cart At:1709294400000}
	// bad: json: missing field "at"
	// bad: json: field "url": offset 20: expected string, found number
	// bad: json: offset 0: expected object, found 'n'
	// bad records: 3
	// {User:eve, jr URL:/about At:1709294400000} <nil>
}
