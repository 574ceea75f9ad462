package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/profile"
)

// selectionKey is the blob that holds the session's Selections, apart
// from its profile so that reading the selection decodes no context list.
const selectionKey = "azc-session:selection"

// Selection is a context a shell selected, held by identity
// (docs/sessions.md): a copy of the context and of its account as they were when
// it was selected. The copy's name is the one the shell looks for first;
// another context of the same identity (account, tenant, subscription)
// stands for it after a rename, and the copy itself after a removal.
type Selection struct {
	Context profile.Context  `json:"context"`
	Account *profile.Account `json:"account,omitempty"`
	// Environment is a copy of the context's custom environment (nil for
	// a built-in cloud), which the shell keeps using when it is removed
	// elsewhere with the context.
	Environment *profile.Environment `json:"environment,omitempty"`
}

// Selections are the shell's current selection and the one before it
// (`azc use -`); nil when there is none.
type Selections struct {
	Current  *Selection `json:"current,omitempty"`
	Previous *Selection `json:"previous,omitempty"`
}

// Selections returns the session's selections (zero when it has none).
func (s *Session) Selections() (Selections, error) {
	var sel Selections
	data, err := s.store.Get(selectionKey)
	if errors.Is(err, credstore.ErrNotFound) {
		if _, err := s.store.Get(profileKey); err != nil {
			return sel, s.wrap(err)
		}
		return sel, nil
	}
	if err != nil {
		return sel, s.wrap(err)
	}
	if err := profile.Unmarshal(data, &sel); err != nil {
		return sel, s.wrap(fmt.Errorf("selection: %w", err))
	}
	return sel, nil
}

// UpdateSelections applies fn to the freshly read selections under the
// session's lock and stores the result; when fn changed nothing, nothing
// is written, as Update. If fn fails nothing is stored and its error is
// returned unchanged.
func (s *Session) UpdateSelections(fn func(*Selections) error) error {
	var fnErr error
	err := s.store.Update(selectionKey, func(old []byte) ([]byte, error) {
		var sel Selections
		if old != nil {
			if err := profile.Unmarshal(old, &sel); err != nil {
				return nil, fmt.Errorf("selection: %w", err)
			}
		}
		if err := fn(&sel); err != nil {
			fnErr = err
			return nil, err
		}
		data, err := json.Marshal(sel)
		if err == nil && (bytes.Equal(data, old) || old == nil && sel == Selections{}) {
			// none stored reads as none (Selections)
			return nil, errUnchanged
		}
		return data, err
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil && !errors.Is(err, errUnchanged) {
		return s.wrap(err)
	}
	return nil
}
