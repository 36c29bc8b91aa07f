package checkpoint

import "fmt"

// ReadSection finds the section named name among the sections of r's data (as
// Section does), reads it with read and checks that every byte of it was read: data
// that does not follow the layout read expects is an error naming the section, never
// garbled state. It does not move r.
//
// Generated code restores each piece of a job's state with it:
//
//	if err := r.ReadSection("updateStateByKey(totals)", j.restoreState4); err != nil {
//		return err
//	}
func (r *Reader) ReadSection(name string, read func(*Reader)) error {
	s, err := r.Section(name)
	if err != nil {
		return err
	}
	read(s)
	if err := s.Done(); err != nil {
		return fmt.Errorf("state section %q: %w", name, err)
	}
	return nil
}
