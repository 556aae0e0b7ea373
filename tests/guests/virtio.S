# SPDX-License-Identifier: GPL-2.0
# Long mode: a minimal virtio-mmio driver for the virtio-rng device that
# "minivmmctl run --rng" / "serve --rng" puts at 0xfeb00000 (modern
# register layout, split virtqueue of 8 entries in guest RAM at 1 MiB),
# polling, no interrupts.  After QueueNotify (a posted write) the driver
# reads Status: the device answers in order, so by then it has seen the
# notification, and the used ring says how it went.  Device registers are
# read with plain MOV loads (what minivmm's MMIO decoder emulates).
#
# Default variant (virtio-rng.bin, e2e 88): asks for 16 random bytes again
# and again, printing "rng XXXXXXXX\n" (a hex count) after each answer.
# VARIANT_blk (virtio-blk.bin, e2e 88): the same loop over "serve --disk"'s
# virtio-blk device, reading sector (count mod 256) of a disk whose sector
# n is 512 bytes of n, checking the status and the data, printing "blk
# XXXXXXXX\n"; a bad answer exits 0x31 (request failed), 0x32 (length),
# 0x33 (status) or 0x34 (data).
# VARIANT_hostile (virtio-hostile.bin, e2e 87): programs the queue with
# what a driver must not do (a descriptor loop, a buffer outside RAM, a
# length running past RAM, a queue size that is not a power of 2, an avail
# index far ahead, a next index beyond the queue, a readable descriptor
# after a writable one, a flood of notifications), checks that the device
# says DEVICE_NEEDS_RESET (or ignores the flood), resets it, checks that a
# good request works again, and exits with code 0x5a; any surprise exits
# with another code (see the EXIT lines).  With VARIANT_blk as well
# (virtio-hostile-blk.bin, e2e 87, "run --disk FILE,ro"), the same on the
# virtio-blk device, then requests its model must fail without a reset: a
# sector past the disk, a read of 100 bytes, a write to the read-only disk
# (each answered IOERR, only the status written) and a request with no
# status byte (dropped: used with length 0); a good read after each.  It
# negotiates indirect tables (VIRTIO_F_INDIRECT_DESC): a read through one
# must work, and a loop in a table, a table entry naming a table and a
# table outside RAM must need a reset.  With
# VARIANT_net (virtio-hostile-net.bin, e2e 87, "run --net tap:NAME"), the
# same on virtio-net's transmit queue, where a good request is a 60-byte
# frame behind its 12-byte header, then frames the model must drop
# without a reset: the header alone, and a device-writable buffer.  With
# VARIANT_rx too (virtio-hostile-netrx.bin, e2e 87), the same on the
# receive queue, which the device checks as soon as it is notified, with
# no frame from the tap needed (mergeable buffers are not negotiated): a
# good request is a buffer of the 12-byte header alone, which no frame
# fits, used with length 0; then buffers the model must drop without a
# reset: a device-readable one, and one smaller than the header.
# With VARIANT_mrg as well (virtio-hostile-netrx-mrg.bin, e2e 87), the
# receive queue with mergeable buffers (VIRTIO_NET_F_MRG_RXBUF), which
# the device looks at only once a frame from the tap waits for them: the
# host sends frames into the tap all along, and after each notification
# the driver polls Status and the used ring (POLLS times) for the answer.
# A good request is one 1536-byte buffer, used for one frame (num_buffers
# 1); each bad queue above must need a reset, and so must a
# device-readable buffer and one smaller than the header, since every
# mergeable buffer holds a header at least (5.1.6.3.1).  Then a frame that
# needs more than one 32-byte buffer waits while only one is offered, and
# arrives over several once eight are: num_buffers in the first says how
# many.
	.code64
	.include "lib64.inc"
	.equ VBASE, 0xfeb00000
	.equ DESC, 0x100000
	.equ AVAIL, 0x101000
	.equ USED, 0x102000
	.equ BUF, 0x103000
	.equ R_STATUS, 0x70
	.equ F_NEXT, 1
	.equ F_WRITE, 2
	.equ F_INDIRECT, 4
	.equ POLLS, 200000		# mergeable: ~10 s of Status reads
	.equ SHORT_POLLS, 3000		# a frame has had time to arrive
	.equ QUEUE, 0
.ifdef VARIANT_blk
	.equ DEVICE_ID, 2
	.equ SECTOR_BUF, BUF + 0x200
	.equ TABLE, BUF + 0x400		# an indirect table
	.equ FEATURES, 0x10000000	# VIRTIO_F_INDIRECT_DESC
.else
.ifdef VARIANT_net
	.equ DEVICE_ID, 1
.ifdef VARIANT_rx
	.equ QUEUE, 0			# receive; transmit (1) stays unused
.else
	.equ QUEUE, 1			# transmit; receive (0) stays unused
.endif
	.equ FRAME, BUF + 0x200
.else
	.equ DEVICE_ID, 4
.endif
.endif

	# DESC_AT table, n, addr, len, flags, next: descriptor n of a table
	.macro DESC_AT table, n, addr, len, flags, next
	movl $\addr, \table + 16 * \n
	movl $0, \table + 16 * \n + 4
	movl $\len, \table + 16 * \n + 8
	movw $\flags, \table + 16 * \n + 12
	movw $\next, \table + 16 * \n + 14
	.endm

	# DESCR n, ...: descriptor n of the queue
	.macro DESCR n, addr, len, flags, next
	DESC_AT DESC, \n, \addr, \len, \flags, \next
	.endm

	# TENTRY n, ...: entry n of the indirect table at TABLE
	.macro TENTRY n, addr, len, flags, next
	DESC_AT TABLE, \n, \addr, \len, \flags, \next
	.endm

	.globl _start
_start:
	mov $VBASE, %r12d
	mov (%r12), %eax
	cmp $0x74726976, %eax
	jne no_device
	mov 4(%r12), %eax
	cmp $2, %eax
	jne no_device
	mov 8(%r12), %eax
	cmp $DEVICE_ID, %eax
	jne no_device
	PUTS m_found
	mov $8, %r13d
	call vinit
	test %eax, %eax
	jnz bad_init
.ifdef VARIANT_hostile
	call good
	PUTS m_good

	# 1. a loop: 0 -> 1 -> 0
	DESCR 0, BUF, 16, F_WRITE | F_NEXT, 1
	DESCR 1, BUF + 16, 16, F_WRITE | F_NEXT, 0
	mov $m_loop, %esi
	call expect_reset

	# 2. a buffer outside RAM
	DESCR 0, 0xf0000000, 16, F_WRITE, 0
	mov $m_oor, %esi
	call expect_reset

	# 3. a length running past the end of RAM
	DESCR 0, BUF, 0x7fffffff, F_WRITE, 0
	mov $m_len, %esi
	call expect_reset

	# 4. next beyond the queue
	DESCR 0, BUF, 16, F_WRITE | F_NEXT, 200
	mov $m_next, %esi
	call expect_reset

	# 5. readable after writable
	DESCR 0, BUF, 16, F_WRITE | F_NEXT, 1
	DESCR 1, BUF + 16, 16, 0, 0
	mov $m_order, %esi
	call expect_reset

	# 6. avail index 100 ahead of the last one
	DESCR 0, BUF, 16, F_WRITE, 0
	add $100, %r14d
	mov %r14w, AVAIL + 2
	movl $QUEUE, 0x50(%r12)
	call wait_reset
	jz fail6
	PUTS m_ahead
	call reinit

	# 7. queue size 6
	mov $6, %r13d
	call vinit
	cmp $1, %eax
	jne fail7
	PUTS m_qsize
	mov $8, %r13d
	call reinit

	# 8. a flood of notifications with nothing new
	mov $2000, %ecx
1:	movl $QUEUE, 0x50(%r12)
	dec %ecx
	jnz 1b
	mov R_STATUS(%r12), %eax
	test $0x40, %eax
	jnz fail8
	PUTS m_flood
	call good
.ifdef VARIANT_blk
	# 9. a sector past the end of the disk
	mov $1000, %esi
	mov $512, %ecx
	call blk_read_chain
	mov $m_beyond, %esi
	call blk_ioerr

	# 10. a read of 100 bytes
	mov $1, %esi
	mov $100, %ecx
	call blk_read_chain
	mov $m_odd, %esi
	call blk_ioerr

	# 11. a write to the read-only disk
	mov $2, %esi
	call blk_read_header
	movl $1, BUF			# VIRTIO_BLK_T_OUT
	DESCR 1, SECTOR_BUF, 512, F_NEXT, 2
	DESCR 2, BUF + 16, 1, F_WRITE, 0
	mov $m_rowrite, %esi
	call blk_ioerr

	# 12. no status byte at all: nothing to answer with
	mov $1, %esi
	call blk_read_header
	DESCR 0, BUF, 16, 0, 0
	xor %eax, %eax
	call submit
	test %eax, %eax
	jnz fail12
	test %edx, %edx
	jnz fail12
	PUTS m_nostatus
	call good

	# 13. a good read through an indirect table
	call blk_read_ind
	PUTS m_tgood

	# 14. a loop inside a table: 0 -> 1 -> 0
	TENTRY 0, BUF, 16, F_NEXT, 1
	TENTRY 1, SECTOR_BUF, 512, F_WRITE | F_NEXT, 0
	DESCR 0, TABLE, 32, F_INDIRECT, 0
	mov $m_tloop, %esi
	call expect_reset

	# 15. a table entry that names another table
	TENTRY 0, BUF, 16, F_NEXT, 1
	TENTRY 1, TABLE, 32, F_INDIRECT, 0
	DESCR 0, TABLE, 32, F_INDIRECT, 0
	mov $m_tnest, %esi
	call expect_reset

	# 16. a table outside RAM
	DESCR 0, 0xf0000000, 48, F_INDIRECT, 0
	mov $m_toor, %esi
	call expect_reset
.endif
.ifdef VARIANT_net
.ifdef VARIANT_rx
	# 9. a device-readable buffer on the receive queue
	DESCR 0, FRAME, 60, 0, 0
	mov $m_rxread, %esi
	call rx_bad

	# 10. a receive buffer smaller than the header
	DESCR 0, FRAME, 4, F_WRITE, 0
	mov $m_rxsmall, %esi
	call rx_bad
.ifdef VARIANT_mrg
	# 11. a frame over several buffers
	call merge_frame
.endif
.else
	# 9. the header alone, no frame
	DESCR 0, BUF, 12, 0, 0
	mov $m_hdronly, %esi
	call net_dropped

	# 10. a device-writable buffer on the transmit queue
	DESCR 0, FRAME, 60, F_WRITE, 0
	mov $m_txwrite, %esi
	call net_dropped
.endif
.endif
	PUTS m_done
	EXIT 0x5a
.else
	xor %ebx, %ebx
.ifdef VARIANT_blk
2:	call blkread
.else
2:	call good
.endif
	inc %ebx
	PUTS m_rng
	mov %ebx, %eax
	rol $8, %eax
	call puthex8
	rol $8, %eax
	call puthex8
	rol $8, %eax
	call puthex8
	rol $8, %eax
	call puthex8
	mov $'\n', %al
	call putc
	mov $0x200000, %ecx
3:	dec %ecx
	jnz 3b
	jmp 2b
.endif

no_device:
	PUTS m_nodev
	EXIT 1
bad_init:
	PUTS m_badinit
	EXIT 2
fail6:	EXIT 6
fail7:	EXIT 7
fail8:	EXIT 8
fail12:	EXIT 12
.ifdef VARIANT_rx
# rx_bad: RSI = what; a receive buffer the model refuses: dropped, or,
# with mergeable buffers (each must hold a header), a reset.
rx_bad:
.ifdef VARIANT_mrg
	jmp expect_reset
.else
	jmp net_dropped
.endif
.endif
fail13:	EXIT 13
fail14:	EXIT 14
fail15:	EXIT 15

# vinit: reset and set the device up with a queue of R13 entries.
# Returns EAX = 0, or 1 if the device then needs a reset.
vinit:
	movl $0, R_STATUS(%r12)
	movl $1, R_STATUS(%r12)
	movl $3, R_STATUS(%r12)
	movl $1, 0x14(%r12)
	mov 0x10(%r12), %eax
	test $1, %eax		# VERSION_1 offered
	jz 9f
	movl $1, 0x24(%r12)
	movl $1, 0x20(%r12)
	movl $0, 0x24(%r12)
.ifdef VARIANT_mrg
	movl $0x8000, 0x20(%r12)	# VIRTIO_NET_F_MRG_RXBUF
.else
.ifdef VARIANT_blk
	movl $FEATURES, 0x20(%r12)
.else
	movl $0, 0x20(%r12)
.endif
.endif
	movl $0xb, R_STATUS(%r12)	# FEATURES_OK
	mov R_STATUS(%r12), %eax
	test $8, %eax
	jz 9f
	movl $QUEUE, 0x30(%r12)		# QueueSel
	mov 0x34(%r12), %eax
	cmp $8, %eax		# QueueNumMax
	jb 9f
	movl %r13d, 0x38(%r12)
	movl $DESC, 0x80(%r12)
	movl $0, 0x84(%r12)
	movl $AVAIL, 0x90(%r12)
	movl $0, 0x94(%r12)
	movl $USED, 0xa0(%r12)
	movl $0, 0xa4(%r12)
	movw $0, AVAIL + 2
	movw $0, USED + 2
	xor %r14d, %r14d		# avail index
	xor %ebp, %ebp			# used index seen
	movl $1, 0x44(%r12)		# QueueReady
	movl $0xf, R_STATUS(%r12)	# DRIVER_OK
	xor %eax, %eax
	mov R_STATUS(%r12), %eax
	test $0x40, %eax
	setnz %al
	ret
9:	PUTS m_badinit
	EXIT 3

reinit:
	call vinit
	test %eax, %eax
	jnz bad_init
	ret

# offer: put head EAX in the avail ring, without a notification.
offer:
	mov %r14d, %ecx
	mov %r13d, %edx
	dec %edx
	and %edx, %ecx
	mov %ax, AVAIL + 4(,%rcx,2)
	inc %r14d
	mov %r14w, AVAIL + 2
	ret

# polls_r9: R9D = how many times to look for the device's answer: once,
# as it answers in order; with mergeable buffers (poll_budget) until a
# frame has come.
polls_r9:
.ifdef VARIANT_mrg
	mov poll_budget, %r9d
.else
	mov $1, %r9d
.endif
	ret

# submit: offer head EAX, notify, then look.  EAX = 0: used (EDX = the
# first entry's length, R8D = how many entries), 1: the device needs a
# reset, 2: nothing happened.
submit:
	call offer
	movl $QUEUE, 0x50(%r12)		# QueueNotify (posted)
	call polls_r9
3:	mov R_STATUS(%r12), %eax
	test $0x40, %eax	# answered after the notify
	jnz 1f
	movzwl USED + 2, %eax
	cmp %ebp, %eax
	jne 4f
	dec %r9d
	jnz 3b
	jmp 2f
4:	mov %eax, %r8d
	sub %ebp, %r8d
	and $0xffff, %r8d
	mov %ebp, %ecx
	mov %eax, %ebp
	mov %r13d, %edx
	dec %edx
	and %edx, %ecx
	mov USED + 8(,%rcx,8), %edx
	xor %eax, %eax
	ret
1:	mov $1, %eax
	ret
2:	mov $2, %eax
	ret

# wait_reset: look for DEVICE_NEEDS_RESET as submit does; ZF clear if set.
wait_reset:
	call polls_r9
1:	mov R_STATUS(%r12), %eax
	test $0x40, %eax
	jnz 2f
	dec %r9d
	jnz 1b
2:	ret

# submit0: submit head 0 as submit does, keeping RSI.
submit0:
	push %rsi
	xor %eax, %eax
	call submit
	pop %rsi
	ret

.ifdef VARIANT_net
.ifdef VARIANT_mrg
# good: one 1536-byte buffer takes the next frame from the tap whole: an
# Ethernet header at least behind the 12-byte virtio-net header, and
# num_buffers 1.
good:
	DESCR 0, FRAME, 1536, F_WRITE, 0
	xor %eax, %eax
	call submit
	test %eax, %eax
	jnz good_failed
	cmp $26, %edx
	jb good_wrong_len
	cmpw $1, FRAME + 10
	jne good_wrong_len
	ret

# merge_frame: one 32-byte buffer, too small for any frame, is offered
# and left alone for SHORT_POLLS looks; then seven more, and the waiting
# frame (or the next) must arrive over two or more of them, num_buffers
# in its header counting them: no more entries than the used ring gained
# (the frames queued in the tap meanwhile may follow it at once).
merge_frame:
	DESCR 0, FRAME, 32, F_WRITE, 0
	movl $SHORT_POLLS, poll_budget
	xor %eax, %eax
	call submit
	movl $POLLS, poll_budget
	cmp $2, %eax
	jne fail13
	PUTS m_waits
	DESCR 1, FRAME + 32, 32, F_WRITE, 0
	DESCR 2, FRAME + 64, 32, F_WRITE, 0
	DESCR 3, FRAME + 96, 32, F_WRITE, 0
	DESCR 4, FRAME + 128, 32, F_WRITE, 0
	DESCR 5, FRAME + 160, 32, F_WRITE, 0
	DESCR 6, FRAME + 192, 32, F_WRITE, 0
	DESCR 7, FRAME + 224, 32, F_WRITE, 0
	mov $1, %ebx
1:	mov %ebx, %eax
	call offer
	inc %ebx
	cmp $7, %ebx
	jb 1b
	mov $7, %eax
	call submit
	test %eax, %eax
	jnz fail14
	cmp $32, %edx
	jne fail14
	movzwl FRAME + 10, %eax
	cmp $2, %eax
	jb fail15
	cmp %r8d, %eax
	ja fail15
	PUTS m_merged
	ret
.else
.ifdef VARIANT_rx
# good: a receive buffer of the header alone, which no frame fits: the
# device uses it with length 0 without reading the tap.
good:
	DESCR 0, BUF, 12, F_WRITE, 0
.else
# good: one 60-byte broadcast frame (ethertype 0x88b5, local experimental)
# behind a zeroed virtio-net header; the device uses it with length 0.
good:
	movq $0, BUF
	movl $0, BUF + 8
	movl $0xffffffff, FRAME
	movw $0xffff, FRAME + 4
	movl $0x00000002, FRAME + 6	# source 02:00:00:00:87:87
	movw $0x8787, FRAME + 10
	movw $0xb588, FRAME + 12
	DESCR 0, BUF, 12, F_NEXT, 1
	DESCR 1, FRAME, 60, 0, 0
.endif
	xor %eax, %eax
	call submit
	test %eax, %eax
	jnz good_failed
	test %edx, %edx
	jnz good_wrong_len
	ret

# net_dropped: RSI = what; head 0 must be used with length 0 and no reset
# asked; then a good frame.
net_dropped:
	call submit0
	test %eax, %eax
	jnz 1f
	test %edx, %edx
	jnz 1f
	call puts
	call good
	ret
1:	call puts
	PUTS m_notdropped
	EXIT 0x37
.endif
.else
.ifdef VARIANT_blk
# good: one well-formed read (sector 1); exits on any other outcome.
good:
	push %rbx
	mov $1, %ebx
	call blkread
	pop %rbx
	ret
.else
# good: one well-formed 16-byte request; exits on any other outcome.
good:
	DESCR 0, BUF, 16, F_WRITE, 0
	xor %eax, %eax
	call submit
	test %eax, %eax
	jnz good_failed
	cmp $16, %edx
	jne good_wrong_len
	ret
.endif
.endif

.ifdef VARIANT_blk
# blk_read_header: a read header for sector ESI at BUF, head 0 pointing at
# it (readable, next 1), the status byte reset.
blk_read_header:
	movl $0, BUF			# VIRTIO_BLK_T_IN
	movl $0, BUF + 4
	mov %rsi, BUF + 8
	movb $0xff, BUF + 16
	DESCR 0, BUF, 16, F_NEXT, 1
	ret

# blk_read_chain: head 0 reads ECX bytes of sector ESI: header, data,
# status byte.
blk_read_chain:
	call blk_read_header
	DESCR 1, SECTOR_BUF, 0, F_WRITE | F_NEXT, 2
	mov %ecx, DESC + 16 + 8
	DESCR 2, BUF + 16, 1, F_WRITE, 0
	ret

# blk_ioerr: RSI = what; the request at head 0 must be answered IOERR
# with only the status byte written, and no reset asked; then a good read.
blk_ioerr:
	call submit0
	test %eax, %eax
	jnz 1f
	cmp $1, %edx
	jne 2f
	cmpb $1, BUF + 16		# VIRTIO_BLK_S_IOERR
	jne 2f
	call puts
	call good
	ret
1:	call puts
	PUTS m_blkreset
	EXIT 0x35
2:	call puts
	PUTS m_blkstatus
	EXIT 0x36

# blkread: read sector (EBX mod 256) and check it is 512 bytes of its
# number; exits on any other outcome.  Keeps EBX.
blkread:
	movzbl %bl, %esi
	call blk_read_prep
	DESCR 0, BUF, 16, F_NEXT, 1
	DESCR 1, SECTOR_BUF, 512, F_WRITE | F_NEXT, 2
	DESCR 2, BUF + 16, 1, F_WRITE, 0
	jmp blk_read_check

.ifdef VARIANT_hostile
# blk_read_ind: blkread's read of sector 1 with its three parts in an
# indirect table that head 0 names.
blk_read_ind:
	mov $1, %esi
	call blk_read_prep
	TENTRY 0, BUF, 16, F_NEXT, 1
	TENTRY 1, SECTOR_BUF, 512, F_WRITE | F_NEXT, 2
	TENTRY 2, BUF + 16, 1, F_WRITE, 0
	DESCR 0, TABLE, 48, F_INDIRECT, 0
	jmp blk_read_check
.endif

# blk_read_prep: the header of a read of sector ESI, the status byte and
# the ends of the sector buffer reset.
blk_read_prep:
	movl $0, BUF			# VIRTIO_BLK_T_IN
	movl $0, BUF + 4
	mov %rsi, BUF + 8		# sector
	movb $0xff, BUF + 16		# status, until the device writes it
	movq $0, SECTOR_BUF
	movq $0, SECTOR_BUF + 504
	ret

# blk_read_check: submit head 0, a read of sector ESI; its answer must be
# the sector (512 bytes of ESI) and status OK, else exits.
blk_read_check:
	xor %eax, %eax
	call submit
	test %eax, %eax
	jnz 1f
	cmp $513, %edx			# the sector and the status byte
	jne 2f
	cmpb $0, BUF + 16
	jne 3f
	movabs $0x0101010101010101, %rax
	imul %rsi, %rax
	cmp %rax, SECTOR_BUF
	jne 4f
	cmp %rax, SECTOR_BUF + 504
	jne 4f
	ret
1:	EXIT 0x31
2:	EXIT 0x32
3:	EXIT 0x33
4:	EXIT 0x34
.endif

# Where every variant's good request goes when it did not work.
good_failed:
	PUTS m_goodfail
	EXIT 4
good_wrong_len:
	PUTS m_goodlen
	EXIT 5

# expect_reset: RSI = what; submit head 0, which must need a reset; reset,
# then a good request must work.
expect_reset:
	call submit0
	cmp $1, %eax
	jne 1f
	call puts
	call reinit
	call good
	ret
1:	call puts
	PUTS m_noreset
	EXIT 9

.ifdef VARIANT_net
m_found:	.asciz "virtio-net found\n"
m_nodev:	.asciz "no virtio-net at 0xfeb00000\n"
m_rng:		.asciz "net "
.else
.ifdef VARIANT_blk
m_found:	.asciz "virtio-blk found\n"
m_nodev:	.asciz "no virtio-blk at 0xfeb00000\n"
m_rng:		.asciz "blk "
.else
m_found:	.asciz "virtio-rng found\n"
m_nodev:	.asciz "no virtio-rng at 0xfeb00000\n"
m_rng:		.asciz "rng "
.endif
.endif
m_badinit:	.asciz "device setup failed\n"
m_goodfail:	.asciz "a good request failed\n"
m_goodlen:	.asciz "a good request got a wrong length\n"
m_noreset:	.asciz ": the device did not ask for a reset\n"
m_good:		.asciz "good request ok\n"
m_loop:		.asciz "descriptor loop: needs reset\n"
m_oor:		.asciz "buffer outside RAM: needs reset\n"
m_len:		.asciz "length past RAM: needs reset\n"
m_next:		.asciz "next beyond the queue: needs reset\n"
m_order:	.asciz "readable after writable: needs reset\n"
m_beyond:	.asciz "sector past the disk: IOERR\n"
m_odd:		.asciz "read of 100 bytes: IOERR\n"
m_rowrite:	.asciz "write to the read-only disk: IOERR\n"
m_nostatus:	.asciz "request without a status byte: dropped\n"
m_blkreset:	.asciz ": the device asked for a reset\n"
m_tgood:	.asciz "read through an indirect table: ok\n"
m_tloop:	.asciz "loop in an indirect table: needs reset\n"
m_tnest:	.asciz "table entry naming a table: needs reset\n"
m_toor:		.asciz "indirect table outside RAM: needs reset\n"
m_hdronly:	.asciz "header without a frame: dropped\n"
m_txwrite:	.asciz "writable transmit buffer: dropped\n"
.ifdef VARIANT_mrg
m_rxread:	.asciz "readable receive buffer: needs reset\n"
m_rxsmall:	.asciz "receive buffer smaller than the header: needs reset\n"
.else
m_rxread:	.asciz "readable receive buffer: dropped\n"
m_rxsmall:	.asciz "receive buffer smaller than the header: dropped\n"
.endif
m_notdropped:	.asciz ": not dropped quietly\n"
m_blkstatus:	.asciz ": not answered IOERR with the status alone\n"
m_ahead:	.asciz "avail index 100 ahead: needs reset\n"
m_qsize:	.asciz "queue size 6: needs reset\n"
m_flood:	.asciz "2000 empty notifications: ignored\n"
m_done:		.asciz "hostile done\n"
.ifdef VARIANT_mrg
m_waits:	.asciz "frame waits for buffers\n"
m_merged:	.asciz "frame over several buffers: num_buffers ok\n"
	.balign 4
poll_budget:	.long POLLS		# written: guest RAM, not ROM
.endif
