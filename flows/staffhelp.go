package flows

import (
	"context"

	"lotse/internal/domain"
)

// Staff help: /help in the staff group, and the group's own command menu
// (set for that chat only, apart from the people's menu).

// staffCommands are the staff group's commands in menu order, with the
// message naming each; /stats only where statistics are kept.
func (e *Engine) staffCommands() [][2]string {
	cmds := [][2]string{{"queue", "staff.cmd.queue"}}
	if e.bookingEnabled() {
		cmds = append(cmds, [2]string{"agenda", "staff.cmd.agenda"}, [2]string{"block", "staff.cmd.block"})
	}
	cmds = append(cmds, [2]string{"replies", "staff.cmd.replies"}, [2]string{"reply", "staff.cmd.reply"})
	if e.offers != nil {
		cmds = append(cmds, [2]string{"offer", "staff.cmd.offer"})
	}
	cmds = append(cmds, [2]string{"close", "staff.cmd.close"})
	if e.stats != nil {
		cmds = append(cmds, [2]string{"stats", "staff.cmd.stats"})
	}
	return append(cmds, [2]string{"help", "staff.cmd.help"})
}

// StaffCommandMenu lists the staff group's commands in the staff language,
// for the messenger's command menu of that group; nil without a group.
func (e *Engine) StaffCommandMenu() []domain.Command {
	if e.set.StaffChatID == 0 {
		return nil
	}
	var out []domain.Command
	for _, c := range e.staffCommands() {
		out = append(out, domain.Command{Name: c[0], Description: e.staff.T(c[1], nil)})
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
