package server

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// pidFileMode and portsFileMode are the permissions of the files written.
const (
	pidFileMode   = 0o600
	portsFileMode = 0o666
)

// WritePIDFile writes the process id to path as decimal digits without a
// trailing newline (config.md §2.4).
func WritePIDFile(path string) error {
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())), pidFileMode); err != nil {
		return fmt.Errorf("could not write pidfile: %v", err)
	}
	return nil
}

// Ports lists the URLs a server listens on, by listener kind, in the order
// and with the keys of the reference's ports file.
type Ports struct {
	Nats       []string `json:"nats,omitempty"`
	Monitoring []string `json:"monitoring,omitempty"`
	Cluster    []string `json:"cluster,omitempty"`
	Profile    []string `json:"profile,omitempty"`
	WebSocket  []string `json:"websocket,omitempty"`
}

// listenURLs returns the URLs of a listener on addr: the address itself, or
// when it is bound to every interface (0.0.0.0, ::), one URL per interface
// address.
func listenURLs(scheme string, addr net.Addr) []string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp == nil {
		return nil
	}
	port := strconv.Itoa(tcp.Port)
	if !tcp.IP.IsUnspecified() {
		return []string{scheme + "://" + net.JoinHostPort(tcp.IP.String(), port)}
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return []string{scheme + "://" + net.JoinHostPort(tcp.IP.String(), port)}
	}
	var urls []string
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		urls = append(urls, scheme+"://"+net.JoinHostPort(ipnet.IP.String(), port))
	}
	return urls
}

// portsFilePath is "<dir>/<executable name>_<pid>.ports".
func portsFilePath(dir string) string {
	exe := filepath.Base(os.Args[0])
	return filepath.Join(dir, fmt.Sprintf("%s_%d.ports", exe, os.Getpid()))
}

// WritePortsFile writes the ports of s into dir as one line of JSON.
func (s *Server) WritePortsFile(dir string) error {
	if dir == "" {
		return nil
	}
	data, err := json.Marshal(s.Ports())
	if err != nil {
		return fmt.Errorf("error encoding ports file: %v", err)
	}
	path := portsFilePath(dir)
	if err := os.WriteFile(path, data, portsFileMode); err != nil {
		return fmt.Errorf("error writing ports file (%s): %v", path, err)
	}
	return nil
}

// RemovePortsFile removes the ports file that WritePortsFile wrote in dir.
func RemovePortsFile(dir string) error {
	if dir == "" {
		return nil
	}
	path := portsFilePath(dir)
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("error cleaning up ports file %s: %v", path, err)
	}
	return nil
}

// movePortsFile removes the ports file of oldDir and writes one in newDir
// (reload of ports_file_dir); problems are logged.
func (s *Server) movePortsFile(oldDir, newDir string) {
	log := s.Logger()
	if err := RemovePortsFile(oldDir); err != nil {
		log.Errorf("%v", err)
	}
	if err := s.WritePortsFile(newDir); err != nil {
		log.Errorf("%v", err)
	}
}

// Ports returns the URLs the server listens on (for the ports file).
func (s *Server) Ports() Ports {
	return Ports{Nats: listenURLs("nats", s.Addr()), Monitoring: listenURLs("http", s.MonitorAddr())}
}
