// Package wal is the write-ahead log of receiver sources (socket, stdin): records are
// appended to segment files and synced before the source counts them as received, and
// each batch's share of the log is recorded durably before the batch runs, so that a
// restarted binary re-creates exactly the same batches and loses none of the records it
// had received. It is Spark Streaming's receiver write-ahead log with the
// receivedBlockMetadata log folded into one small allocation file.
//
// # Layout
//
// A log is a directory (under the checkpoint directory, wal/<source name>):
//
//	00000000000000000000.seg   records 0, 1, ...; named by the index of its first record
//	00000000000000052311.seg   the next segment, started once the previous one is full
//	alloc.log                  (batch time, end index) per batch: batch t holds the
//	                           records from the previous entry's end up to its own
//
// A record is its length (4 bytes little-endian), its CRC32C (4 bytes) and its bytes.
// Records are numbered from 0 over the life of the log; deleting old segments does not
// renumber them. At Open the last segment is scanned and a torn tail (a record cut by the
// crash, which was never synced and so never counted) is cut off; damage anywhere else is
// an error.
//
// # Group commit
//
// Append only buffers; Sync writes and fsyncs everything appended so far. Receivers call
// Sync when their input has nothing more buffered, or after a few milliseconds or a
// thousand records, whichever comes first: one fsync covers many records, and no record
// waits long.
//
// # Truncation
//
// Once a checkpoint covers the batches up to time t, TruncateBefore(end of t) deletes the
// segments whose records all precede it and Allocs.Compact drops the allocations up to t.
package wal
