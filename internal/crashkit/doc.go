// Package crashkit holds what the SIGKILL-and-restart tests share: the sender that plays
// a reliable client for a socket source, and a look into a receiver's write-ahead log.
package crashkit
