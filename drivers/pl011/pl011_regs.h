/* The PL011 UART's registers and bits (ARM PrimeCell UART PL011 TRM), as kaal uses them. */
#ifndef KAAL_PL011_REGS_H
#define KAAL_PL011_REGS_H

#define PL011_DR   0x000u /* data; a read also returns the byte's error bits */
#define PL011_RSR  0x004u /* receive status; a write clears it */
#define PL011_FR   0x018u /* flags */
#define PL011_IBRD 0x024u
#define PL011_FBRD 0x028u
#define PL011_LCRH 0x02Cu /* line control */
#define PL011_CR   0x030u /* control */
#define PL011_IFLS 0x034u /* FIFO interrupt levels */
#define PL011_IMSC 0x038u /* interrupt mask: 1 enables */
#define PL011_RIS  0x03Cu /* raw interrupt status */
#define PL011_MIS  0x040u /* masked interrupt status */
#define PL011_ICR  0x044u /* interrupt clear: 1 clears */
#define PL011_REGS 0x1000u

#define PL011_DR_DATA 0xFFu
#define PL011_DR_FE   (1u << 8)  /* framing error */
#define PL011_DR_PE   (1u << 9)  /* parity error */
#define PL011_DR_BE   (1u << 10) /* break */
#define PL011_DR_OE   (1u << 11) /* overrun: bytes were lost before this one */

#define PL011_FR_BUSY (1u << 3)
#define PL011_FR_RXFE (1u << 4) /* receive FIFO empty */
#define PL011_FR_TXFF (1u << 5) /* transmit FIFO full */
#define PL011_FR_RXFF (1u << 6)
#define PL011_FR_TXFE (1u << 7)

#define PL011_LCRH_FEN    (1u << 4)
#define PL011_LCRH_WLEN_8 (3u << 5)

#define PL011_CR_UARTEN (1u << 0)
#define PL011_CR_TXE    (1u << 8)
#define PL011_CR_RXE    (1u << 9)

/* Interrupt bits of IMSC, RIS, MIS and ICR. */
#define PL011_INT_RX  (1u << 4)  /* receive FIFO at its level */
#define PL011_INT_TX  (1u << 5)  /* transmit FIFO at or below its level */
#define PL011_INT_RT  (1u << 6)  /* receive timeout: bytes waiting, none arriving */
#define PL011_INT_OE  (1u << 10) /* overrun */
#define PL011_INT_ALL 0x7FFu

#define PL011_FIFO_DEPTH 16u

#endif
