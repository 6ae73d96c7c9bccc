package server

import (
	"errors"
	"fmt"

	"github.com/natsys/natsys/server/internal/subject"
)

// importEdge is an import already accepted while the accounts are checked in
// order, kept for the cycle checks of the imports that follow.
type importEdge struct {
	exporter string
	remote   string // subject in the exporting account
	local    string // subject in the importing account
}

// importGraph collects accepted imports per importing account.
type importGraph struct {
	streams  map[string][]importEdge
	services map[string][]importEdge
}

// importErrors checks every import of accounts, in configuration order, the
// way the reference adds them at start-up (config.md §2.10): the exporting
// account exists, one of its exports covers the import for the importing
// account, the subject mapping is valid, a stream is not imported twice and
// the import does not close a cycle. It returns the error text of each
// failing import; failing imports are left out of later checks.
func importErrors(accounts []*AccountConfig) map[*ImportConfig]string {
	byName := make(map[string]*AccountConfig, len(accounts))
	for _, ac := range accounts {
		byName[ac.Name] = ac
	}
	g := &importGraph{streams: map[string][]importEdge{}, services: map[string][]importEdge{}}
	bad := map[*ImportConfig]string{}
	for _, ac := range accounts {
		for _, imp := range ac.Imports {
			if msg := g.add(byName, ac.Name, imp); msg != "" {
				bad[imp] = msg
			}
		}
	}
	return bad
}

// add checks one import and records it when it is good; it returns the
// error text otherwise.
func (g *importGraph) add(byName map[string]*AccountConfig, importer string, imp *ImportConfig) string {
	kind, subj := "stream", imp.Stream
	if imp.Service != "" {
		kind, subj = "service", imp.Service
	}
	exporter := byName[imp.Account]
	if exporter == nil {
		return fmt.Sprintf("%q account not defined for %s import", imp.Account, kind)
	}
	fail := func(why string) string { return fmt.Sprintf("Error adding %s import %q: %s", kind, subj, why) }
	if !importAuthorized(exporter, importer, imp) {
		return fail(kind + " import not authorized")
	}
	if imp.Stream != "" {
		local, err := streamImportTo(imp)
		if err == nil {
			err = checkMapping(imp.Stream, local)
		}
		if err != nil {
			if err == errPrefixWildcard {
				return fail(err.Error())
			}
			return fail(fmt.Sprintf("failed to create mapping transform for stream import subject from %q to %q: %v", imp.Stream, local, err))
		}
		for _, e := range g.streams[importer] {
			if e.exporter == imp.Account && e.remote == imp.Stream {
				return fail("stream import already exists")
			}
		}
		if g.streamCycle(imp.Account, imp.Stream, map[string]bool{importer: true}) {
			return fail("import forms a cycle")
		}
		g.streams[importer] = append(g.streams[importer], importEdge{exporter: imp.Account, remote: imp.Stream, local: local})
		return ""
	}
	local := serviceImportLocal(imp)
	if !subject.ValidSubject(local) {
		return fail("sublist: invalid subject")
	}
	// The reference builds the service mapping from the exported subject to
	// the local one, and names them the other way round in its error.
	if err := checkMapping(imp.Service, local); err != nil {
		return fail(fmt.Sprintf("failed to create mapping transform for service import subject from %q to %q: %v", local, imp.Service, err))
	}
	if g.serviceCycle(imp.Account, local, map[string]bool{importer: true}) {
		return fail("import forms a cycle")
	}
	g.services[importer] = append(g.services[importer], importEdge{exporter: imp.Account, remote: imp.Service, local: local})
	return ""
}

// streamCycle reports whether messages that account acc receives on subj
// come, through stream imports, from an account in visited.
func (g *importGraph) streamCycle(acc, subj string, visited map[string]bool) bool {
	for _, e := range g.streams[acc] {
		if !subject.Overlaps(subj, e.local) {
			continue
		}
		if visited[e.exporter] {
			return true
		}
		visited[acc] = true
		if g.streamCycle(e.exporter, e.remote, visited) {
			return true
		}
	}
	return false
}

// serviceCycle reports whether account acc forwards requests on subj,
// through its service imports, back to an account in visited.
func (g *importGraph) serviceCycle(acc, subj string, visited map[string]bool) bool {
	for _, e := range g.services[acc] {
		if !subject.Overlaps(subj, e.remote) {
			continue
		}
		if visited[e.exporter] {
			return true
		}
		visited[acc] = true
		next := subj
		if subject.SubsetMatch(e.local, subj) {
			next = e.local
		}
		if g.serviceCycle(e.exporter, next, visited) {
			return true
		}
	}
	return false
}

// findExport returns the export of exporter that covers imp for the
// importing account (nil when none does).
func findExport(exporter *AccountConfig, importer string, imp *ImportConfig) *ExportConfig {
	for _, ex := range exporter.Exports {
		exported, subj := ex.Stream, imp.Stream
		if imp.Service != "" {
			exported, subj = ex.Service, imp.Service
		}
		if exported == "" || !subject.SubsetMatch(subj, exported) {
			continue
		}
		if len(ex.Accounts) == 0 {
			return ex
		}
		for _, a := range ex.Accounts {
			if a == importer {
				return ex
			}
		}
	}
	return nil
}

// firstImportError returns the first problem importErrors finds, in
// configuration order (start-up check for options built in code).
func firstImportError(accounts []*AccountConfig) error {
	bad := importErrors(accounts)
	for _, ac := range accounts {
		for _, imp := range ac.Imports {
			if msg, ok := bad[imp]; ok {
				return errors.New(msg)
			}
		}
	}
	return nil
}
