/** Types of the trust area (privacy, fairness, robustness, poisoning, encryption); the lead wires them into the protocol. */

// ---- differential privacy ---------------------------------------------------------------

/** How RDP turns into (ε, δ): Balle et al. 2020 (Opacus, dp_accounting) or Mironov 2017 Prop. 3 (older TF-Privacy tables). */
export type PrivacyConversion = 'balle' | 'classic';

export interface PrivacySpent {
	epsilon: number;
	/** The RDP order α that gave the smallest ε. */
	order: number;
}
