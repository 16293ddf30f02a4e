/*
 * Where a started program's SDK maps its pages on the host: every process
 * shares the host process's address space, so the backend picks (0).
 */
#ifndef KAAL_HOST_SDK_LAYOUT_H
#define KAAL_HOST_SDK_LAYOUT_H

#define SDK_PROGRAM_START_INFO_VADDR 0u /* the program's start info */
#define SDK_PROGRAM_IPC_BUFFER_VADDR 0u /* its first thread's IPC buffer */
#define SDK_PROGRAM_WINDOW_VADDR     0u /* page 0 of kaal_program_map()'s window */
#define SDK_STARTER_SCRATCH_VADDR    0u /* a starter's passing look at a start info */

#endif
