// Package codec decodes the records that sources deliver as text — CSV and JSON lines —
// and applies the bad-record policy to those that fail to decode.
//
// # Decoders
//
// Code generation writes one decoding function per (record type, format): no reflection,
// no intermediate map. This package gives those functions their building blocks.
//
// CSV: a Splitter cuts one line into fields (RFC 4180 quoting, any one-byte delimiter)
// reusing its field slice, so a decoder allocates nothing for fields without doubled
// quotes; ParseInt, ParseFloat, ParseBool, ParseTime and ParseDuration convert a field and
// name the column in their errors:
//
//	fields, err := sc.SplitN(line, 3)
//	if err != nil { return c, err }
//	if c.User, err = codec.ParseString(fields[0], "user"); err != nil { return c, err }
//	if c.N, err = codec.ParseInt(fields[1], "n"); err != nil { return c, err }
//
// A string field must be text (ParseString: valid UTF-8 without NUL; the JSON Decoder's
// String: valid UTF-8 without lone surrogate escapes): a sink would refuse anything else
// on every attempt, so it is a bad record, where the policy can route it (text.go).
//
// Decoders of lines without a header first try one pass over the line: int and time
// fields are read by CutDigits, CutInt and LastInt in the loop that finds their
// delimiter, other fields are cut at the delimiter (after one scan for quotes when the
// record has a string field), and ScanDelim says whether the delimiter allows this; any
// line that pass refuses is decoded again through SplitN, which gives the record or the
// exact error.
//
// JSON: a Decoder walks one JSON text in place. NextField iterates the keys of an object;
// after each key exactly one value reader (String, Int, Float, Bool, Time, Duration,
// Bytes, Number, or Skip for fields the record does not have) consumes its value. Calling
// NextField or NextElem where a value is expected enters a nested object or array, so
// nested loops mirror the document:
//
//	d.Reset(line)
//	for d.NextField() {
//		switch d.Key() {
//		case "user":
//			c.User, err = d.String()
//		case "tags":
//			for d.NextElem() { ... }
//		default:
//			err = d.Skip()
//		}
//	}
//	if err = d.End(); err != nil { ... }
//
// The first error is sticky: every later call fails fast, NextField returns false, and End
// returns that error, so generated code may check errors once, at End. Strings without
// escapes are substrings of the input (no copy), which keeps the input alive as long as the
// record; keys match exactly (encoding/json also matches case-insensitively; streamc does
// not). A nested record's own error (a required field missing) is passed to Fail, so the
// record holding it fails too.
//
// Generated JSON decoders first try one pass for objects whose fields come in the
// declared order, written plainly (the usual shape of machine-written JSON): FastField
// expects the separator and the quoted key, then one Fast reader per value (FastString,
// FastInt, FastFloat, FastBool, FastTime, FastDuration, FastNull), each returning the
// offset after the value or -1, and FastEnd accepts only blanks after the object. Any
// object that pass refuses (another order, an escape, a missing or unknown field, invalid
// UTF-8...) is decoded again by the Decoder, which gives the record or the exact error.
//
// # Bad records
//
// A record that fails to decode goes to a BadRecords handler built from the pipeline's
// onBadRecord policy: Fail stops the pipeline with an error that names the source, the
// .stream position of the decoder, the record and the cause; Skip drops the record (counted); and
// DeadLetter writes it with its error as one JSON line to a file. Every bad record is
// counted (Count), so none disappears unseen.
//
// Lines a source drops for their length are bad records too (HandleOversized, through
// the sources' OnOversize options), and sinks route the rows their database rejects
// through a BadRecords. The dead-letter file gets each batch's entries exactly once
// across crashes when the run has a checkpoint directory: appends are committed in a
// small log under it, and a restart cuts what was not committed and skips what was
// (deadletter.go).
//
// The package depends on the standard library only and does not import the engine.
package codec
