package server

// Version is natsys's own version, printed in the start-up banner. It is set at
// build time with -ldflags "-X github.com/natsys/natsys/server.Version=...".
var Version = "0.1.0"

// GitCommit is the commit the binary was built from (set with -ldflags); the
// banner prints "[not set]" when it is empty.
var GitCommit = ""

// ProtocolVersion is the server version advertised to clients in INFO.
// Clients gate features on it (headers need >= 2.2.0), so natsys advertises
// the version of the reference server it is compatible with.
const ProtocolVersion = "2.15.2"

// ProtoLevel is the client protocol level advertised in INFO "proto".
const ProtoLevel = 1

// APILevel is the JetStream API level the reference always advertises in INFO.
const APILevel = 5
