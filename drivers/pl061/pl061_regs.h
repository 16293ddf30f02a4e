/* The PL061 GPIO controller's registers and bits (ARM PrimeCell GPIO PL061 TRM). */
#ifndef KAAL_PL061_REGS_H
#define KAAL_PL061_REGS_H

/* DATA is a window: address bits 9..2 of an access say which pins it reads or writes. */
#define PL061_DATA       0x000u
#define PL061_DATA_ALL   0x3FCu /* every pin */
#define PL061_DATA_SHIFT 2u
#define PL061_DIR        0x400u /* 1: output */
#define PL061_IS         0x404u /* interrupt sense: 1 level, 0 edge */
#define PL061_IBE        0x408u /* 1: both edges */
#define PL061_IEV        0x40Cu /* 1: rising edge or high level */
#define PL061_IE         0x410u /* 1: interrupt enabled */
#define PL061_RIS        0x414u
#define PL061_MIS        0x418u
#define PL061_IC         0x41Cu /* 1 clears an edge */
#define PL061_AFSEL      0x420u
#define PL061_ID         0xFE0u
#define PL061_REGS       0x1000u

#define PL061_PINS     8u
#define PL061_ALL_PINS 0xFFu

#define PL061_ID_BYTES                                                                             \
	{                                                                                          \
		0x61, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1                                     \
	}

#endif
