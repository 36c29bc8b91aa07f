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
// renumber them.
//
// # Damage
//
// Open reads every segment and never deletes a valid record to repair one. A record whose
// checksum fails but whose successor reads correctly is stepped over (bit rot in its
// bytes: its length was sound, so the records after it keep their indexes). A stretch
// that does not parse is, in the last segment, a torn tail — normally a write the crash
// cut short, never synced and never counted — which is cut so that appends continue,
// its bytes kept in <segment>.cut-<offset> (TornTail); in an older segment the next
// segment's name says how many records it held, and they are reported. Damage lists
// what is unreadable (segment, byte offset, bytes, record range); appends then go to a
// new segment, so a damaged one is never written again. Only the receiver knows which
// records are still needed — those from its checkpoint position on — so it decides
// whether damage refuses the start or is only logged; Read of a damaged record is an
// error wrapping ErrCorrupt that names it.
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
