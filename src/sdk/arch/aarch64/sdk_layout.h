/*
 * Where a started program's SDK maps its pages on aarch64: fixed addresses
 * between its stack's guard page and the root task's IPC buffer
 * (root_task.h), the same in every program.
 */
#ifndef KAAL_AARCH64_SDK_LAYOUT_H
#define KAAL_AARCH64_SDK_LAYOUT_H

#define SDK_PROGRAM_START_INFO_VADDR 0x7FFF8000u /* the program's start info */
#define SDK_PROGRAM_IPC_BUFFER_VADDR 0x7FFF9000u /* its first thread's IPC buffer */
#define SDK_PROGRAM_WINDOW_VADDR     0x10000000u /* page 0 of kaal_program_map()'s window */
#define SDK_STARTER_SCRATCH_VADDR    0x7FFFA000u /* a starter's passing look at a start info */

#endif
