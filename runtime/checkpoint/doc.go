// Package checkpoint owns the files of a pipeline's checkpoint directory: the typed
// binary encoding that generated code and sources write their state with (Writer and
// Reader), the checkpoint file format (Checkpoint, Encode, Decode), and the directory
// itself (Dir): atomic writes, garbage collection of old checkpoints, finding the newest
// readable one, and the batch log that records each batch's input before it runs
// (BatchLog).
//
// # Files
//
// A checkpoint directory holds
//
//	checkpoint-<batch time in ms>   one per kept checkpoint (the newest Keep, default 2)
//	batches.log                     each batch's input, logged before it runs (BatchLog)
//	wal/<source>/                   write-ahead logs of receiver sources (package wal)
//
// A checkpoint file is written to a hidden temporary file, synced, renamed into place and
// the directory synced, so a reader sees a whole file or none; a file that is corrupt or
// truncated anyway (a disk that lies, a copy gone wrong) fails its CRC32C and the reader
// falls back to the previous one. Leftover temporary files of a crash are removed when
// the directory is opened.
//
// # Format
//
//	"STRMCKPT"                      8 bytes of magic
//	format version                  uvarint, currently 1
//	pipeline name                   string
//	state fingerprint               string
//	state shape                     uvarint n, then n strings ("name: type")
//	batch interval ms               varint
//	batch time                      varint: the last batch whose outputs were all done
//	zero time                       varint
//	remaining drain batches         varint (-1: the sources were not exhausted yet)
//	source positions                uvarint n, then n sections
//	job state                       bytes: the sections the job wrote
//	CRC32C                          4 bytes little-endian, over everything before it
//
// A string or bytes value is a uvarint length and the bytes; a section is a string name
// and a bytes payload. Integers are varints (zig-zag for signed), floats 8 bytes
// little-endian IEEE 754, booleans one byte.
//
// The package imports the standard library only; the engine (package runtime), the
// sources (runtime/source) and generated code all build on it.
package checkpoint
