/* pairpad-application.h: the desktop app: windows, actions, room links from the command line.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PAIRPAD_APPLICATION_ID "io.github.pairpad.Pairpad"
#define PAIRPAD_TYPE_APPLICATION (pairpad_application_get_type ())

G_DECLARE_FINAL_TYPE (PairpadApplication, pairpad_application, PAIRPAD, APPLICATION, AdwApplication)

PairpadApplication *pairpad_application_new              (void);
GtkWindow          *pairpad_application_find_room        (PairpadApplication *self,
                                                          const char         *server,
                                                          const char         *room);
void                pairpad_application_open_room        (PairpadApplication *self,
                                                          const char         *server,
                                                          const char         *room,
                                                          const char         *token);
void                pairpad_application_add_recent_room  (PairpadApplication *self,
                                                          const char         *link,
                                                          const char         *title);
void                pairpad_application_remove_recent_room (PairpadApplication *self,
                                                            const char         *link);

G_END_DECLS
