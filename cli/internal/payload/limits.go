package payload

// readBufSize is the stdin read buffer; lines may be longer.
const readBufSize = 64 * 1024
