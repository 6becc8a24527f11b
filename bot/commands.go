package bot

import (
	"context"
	"errors"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lotse/internal/domain"
)

// RegisterCommands fills Telegram's command menu in every language, and
// in defaultLang for clients whose language we do not ship. A server
// without setMyCommands (some emulators) is tolerated: the menu is a
// convenience, the bot works without it.
func (c *Client) RegisterCommands(ctx context.Context, langs []string, defaultLang string, menu func(lang string) []domain.Command) {
	set := func(lang, code string) bool {
		cmds := menu(lang)
		cfg := tgbotapi.SetMyCommandsConfig{Commands: make([]tgbotapi.BotCommand, 0, len(cmds)), LanguageCode: code}
		for _, cmd := range cmds {
			cfg.Commands = append(cfg.Commands, tgbotapi.BotCommand{Command: cmd.Name, Description: cmd.Description})
		}
		err := c.Request(ctx, cfg)
		switch {
		case errors.Is(err, domain.ErrUnsupported):
			c.log.Info("server does not support setMyCommands; command menu skipped")
			return false
		case err != nil:
			c.log.Warn("setMyCommands failed", "lang", lang, "err", err)
		}
		return true
	}
	if !set(defaultLang, "") {
		return
	}
	for _, l := range langs {
		if !set(l, l) {
			return
		}
	}
}

// WithBase returns a client whose requests are aborted when base is
// cancelled; the poller uses one so a stop ends its long poll at once.
func (c *Client) WithBase(base context.Context) *Client {
	api := *c.api
	if hc, ok := c.api.Client.(*ctxClient); ok {
		api.Client = &ctxClient{base: base, c: hc.c}
	}
	cp := *c
	cp.api = &api
	return &cp
}

// RegisterChatCommands sets the command menu of one chat (the staff
// group), apart from the people's menu: members of that chat see these
// commands instead. Nothing is set without a chat or commands.
func (c *Client) RegisterChatCommands(ctx context.Context, chatID int64, cmds []domain.Command) {
	if chatID == 0 || len(cmds) == 0 {
		return
	}
	cfg := tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(chatID))
	for _, cmd := range cmds {
		cfg.Commands = append(cfg.Commands, tgbotapi.BotCommand{Command: cmd.Name, Description: cmd.Description})
	}
	switch err := c.Request(ctx, cfg); {
	case errors.Is(err, domain.ErrUnsupported):
		c.log.Info("server does not support setMyCommands; staff command menu skipped")
	case err != nil:
		c.log.Warn("setMyCommands for the staff group failed", "err", err)
	}
}
