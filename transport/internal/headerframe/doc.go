// Package headerframe holds the fixed part that KiteX's TTHeader and Apache's THeader frames share:
// LENGTH (4 bytes), MAGIC (2), FLAGS (2), SEQUENCE NUMBER (4) and HEADER SIZE in 4-byte words (2).
// The two formats differ only in the magic and in the header-info area that follows, so both codecs
// check and write these 14 bytes here, each with its own magic and its own sentinel errors.
package headerframe
