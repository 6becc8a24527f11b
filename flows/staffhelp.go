package flows

import (
	"context"

	"lotse/internal/domain"
)

// Staff help: /help in the staff group, and the group's own command menu
// (set for that chat only, apart from the people's menu).

func (e *Engine) staffHelpRoutes(t *table) {
	t.staffCommand("help", "staff.cmd.help", e.showStaffHelp)
}

// staffMenu is the order of the staff group's command menu. A command is
// in the menu when the table routes it with a description: agenda and
// block only with booking, stats only where statistics are kept, offer
// only with a directory.
var staffMenu = []string{"queue", "agenda", "block", "replies", "reply", "offer", "close", "stats", "help"}

// StaffCommandMenu lists the staff group's commands in the staff language,
// for the messenger's command menu of that group; nil without a group.
func (e *Engine) StaffCommandMenu() []domain.Command {
	if e.set.StaffChatID == 0 {
		return nil
	}
	var out []domain.Command
	for _, name := range staffMenu {
		if c := e.table.staffCommands[name]; c.menu != "" {
			out = append(out, domain.Command{Name: name, Description: e.staff.T(c.menu, nil)})
		}
	}
	return out
}

// StaffChatID is the staff group the engine serves (0: none).
func (e *Engine) StaffChatID() int64 { return e.set.StaffChatID }

// showStaffHelp answers /help in the staff group.
func (e *Engine) showStaffHelp(_ context.Context, r *Request) error {
	text := e.staff.T("staff.help", nil)
	if e.stats != nil {
		text += "\n" + e.staff.T("staff.help_stats", nil)
	}
	r.send(domain.Reply{ChatID: e.set.StaffChatID, Text: text})
	return nil
}
