/* The PL031 real-time clock's registers and bits (ARM PrimeCell RTC PL031 TRM). */
#ifndef KAAL_PL031_REGS_H
#define KAAL_PL031_REGS_H

#define PL031_DR   0x000u /* the counter: seconds */
#define PL031_MR   0x004u /* match: the alarm */
#define PL031_LR   0x008u /* load: sets the counter */
#define PL031_CR   0x00Cu /* control: bit 0 starts the counter, for good */
#define PL031_IMSC 0x010u /* interrupt mask: 1 enables */
#define PL031_RIS  0x014u
#define PL031_MIS  0x018u
#define PL031_ICR  0x01Cu /* 1 clears */
#define PL031_ID   0xFE0u /* four peripheral id registers, then four PrimeCell ones */
#define PL031_REGS 0x1000u

#define PL031_CR_START 1u
#define PL031_INT      1u /* the one interrupt: the counter reached the match register */

/* What the eight id registers (0xFE0 .. 0xFFC, one byte each) hold; revision 0. */
#define PL031_ID_BYTES                                                                             \
	{                                                                                          \
		0x31, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1                                     \
	}

#endif
