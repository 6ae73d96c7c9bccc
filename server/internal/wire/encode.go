package wire

import "strconv"

// Fixed server → client operations. Treat them as read-only.
var (
	// Ping is the server's PING.
	Ping = []byte("PING\r\n")
	// Pong answers a client PING.
	Pong = []byte("PONG\r\n")
	// OK is the verbose-mode acknowledgement.
	OK = []byte("+OK\r\n")
)

const crlf = "\r\n"

// AppendMsgLine appends the MSG control line "MSG <subject> <sid> [reply] <size>\r\n"; reply is
// left out when empty. Use it to write the payload separately (for example with net.Buffers).
func AppendMsgLine(buf, subject, sid, reply []byte, size int) []byte {
	buf = append(buf, "MSG "...)
	buf = append(buf, subject...)
	buf = append(buf, ' ')
	buf = append(buf, sid...)
	buf = append(buf, ' ')
	if len(reply) > 0 {
		buf = append(buf, reply...)
		buf = append(buf, ' ')
	}
	buf = strconv.AppendInt(buf, int64(size), 10)
	return append(buf, crlf...)
}

// AppendMsg appends a complete MSG: "MSG <subject> <sid> [reply] <size>\r\n<payload>\r\n".
// It does not allocate when cap(buf) suffices.
func AppendMsg(buf, subject, sid, reply []byte, payload []byte) []byte {
	buf = AppendMsgLine(buf, subject, sid, reply, len(payload))
	buf = append(buf, payload...)
	return append(buf, crlf...)
}

// AppendHMsgLine appends the HMSG control line
// "HMSG <subject> <sid> [reply] <hdrLen> <totalLen>\r\n"; reply is left out when empty.
func AppendHMsgLine(buf, subject, sid, reply []byte, hdrLen, totalLen int) []byte {
	buf = append(buf, "HMSG "...)
	buf = append(buf, subject...)
	buf = append(buf, ' ')
	buf = append(buf, sid...)
	buf = append(buf, ' ')
	if len(reply) > 0 {
		buf = append(buf, reply...)
		buf = append(buf, ' ')
	}
	buf = strconv.AppendInt(buf, int64(hdrLen), 10)
	buf = append(buf, ' ')
	buf = strconv.AppendInt(buf, int64(totalLen), 10)
	return append(buf, crlf...)
}

// AppendHMsg appends a complete HMSG:
// "HMSG <subject> <sid> [reply] <hdrLen> <len(msg)>\r\n<msg>\r\n", where msg is the header block
// (its first hdrLen bytes) followed by the payload. It does not allocate when cap(buf) suffices.
func AppendHMsg(buf, subject, sid, reply []byte, hdrLen int, msg []byte) []byte {
	buf = AppendHMsgLine(buf, subject, sid, reply, hdrLen, len(msg))
	buf = append(buf, msg...)
	return append(buf, crlf...)
}

// AppendErr appends "-ERR '<text>'\r\n". The text is sent as is, without escaping.
func AppendErr(buf []byte, text string) []byte {
	buf = append(buf, "-ERR '"...)
	buf = append(buf, text...)
	return append(buf, "'\r\n"...)
}

// AppendInfo appends "INFO <json> \r\n" (with the space before CR that the reference sends).
func AppendInfo(buf, json []byte) []byte {
	buf = append(buf, "INFO "...)
	buf = append(buf, json...)
	return append(buf, " \r\n"...)
}
