"""The fixed wording of every document, Chinese (the legal text) and English labels.

Placeholders are filled with markupsafe's `Markup.format`, which escapes plain values;
`cite(...)`, `money(...)` and dates arrive as Markup from the renderer.
"""
from __future__ import annotations

APL = "《中华人民共和国行政处罚法》"
ACL = "《中华人民共和国行政强制法》"

ZH: dict[str, str] = {
    # common
    "party": "当事人", "credit_code": "统一社会信用代码", "id_number": "公民身份号码",
    "address": "住所", "legal_rep": "法定代表人",
    "supersedes": "本文书系对{number}的更正，原文书同时作废。",
    "decision_noun": "决定", "notice_noun": "通知",
    "review": "如不服本{doc}，可以自收到本{doc}书之日起六十日内向{organ}申请行政复议，"
              "或者自收到本{doc}书之日起六个月内依法向{court}提起行政诉讼。",
    "review_no_suspend": "申请行政复议或者提起行政诉讼期间，本决定不停止执行，法律另有规定的除外。",
    "contact": "联系人及电话：{contact}",
    "seal": "（印章）",
    "copies": "本文书一式两份，一份送达当事人，一份附卷。",
    "found": "经查，",
    "violated": "你单位的上述行为违反了{cites}的规定。",
    "evidence_intro": "以上事实有下列证据证明：",
    "prior_notice": "本机关已以{number}《行政处罚告知书》告知你单位拟作出行政处罚的内容及事实、理由、"
                    "依据，以及依法享有的陈述、申辩、要求听证等权利。",
    "statement_intro": "当事人陈述、申辩情况及采纳情况：",
    "and_correct": "并责令你单位：",
    "period": "。", "to": "至",
    # rectification order
    "rect_order": "根据{cites}的规定，现责令你单位于{deadline}（含当日）前改正下列违法行为：",
    "rect_overdue": "逾期不改正的，",
    "rect_overdue_refuse": "拒不提供或者拖延提供的，",
    # warning
    "warning_decided": "根据{cites}的规定，本机关决定对你单位给予警告。",
    # prior notice (APL art. 44)
    "notice_intro": "根据" + APL + "第四十四条的规定，现将本机关拟对你单位作出行政处罚的内容及事实、"
                    "理由、依据告知如下：",
    "h_facts": "一、违法事实：", "h_grounds": "二、理由和依据：",
    "h_proposed": "三、拟作出的行政处罚：", "h_statement": "四、陈述和申辩：",
    "h_hearing": "五、要求听证：",
    "notice_applied": "依据{cites}的规定，本机关拟对你单位作出行政处罚。",
    "notice_statement": "你单位依法享有陈述权和申辩权，可以在{deadline}（含当日）前向本机关提出陈述和申辩；"
                        "逾期未提出的，视为放弃此权利。",
    "notice_hearing": "根据" + APL + "第六十三条、第六十四条的规定，你单位有权要求举行听证。要求听证的，"
                      "应当在{deadline}（含当日）前向本机关提出；逾期未提出的，视为放弃听证权利。",
    "no_heavier": "本机关不因你单位陈述、申辩而给予更重的处罚（" + APL + "第四十五条）。",
    # hearing notice (APL art. 64)
    "hearing_intro": "根据你单位的申请，本机关决定就{matter}一案（{number}《行政处罚告知书》）"
                     "依照" + APL + "第六十四条的规定举行听证。现将有关事项通知如下：",
    "h_time": "听证时间：", "h_place": "听证地点：", "h_host": "听证主持人：", "h_form": "听证方式：",
    "hearing_public": "公开举行。", "hearing_private": "依法不公开举行（涉及国家秘密、商业秘密或者个人隐私）。",
    "hearing_rights_intro": "你单位在听证中享有下列权利并承担下列义务：",
    "hearing_r1": "可以由法定代表人亲自参加听证，也可以委托一至二人代理；委托代理人的，应当提交授权委托书；",
    "hearing_r2": "认为主持人与本案有直接利害关系的，有权申请回避；",
    "hearing_r3": "可以就调查人员提出的违法事实、证据和行政处罚建议进行申辩和质证；听证笔录应当交你单位核对无误后签字或者盖章；",
    "hearing_r4": "无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，本机关终止听证。",
    # hearing record (APL art. 64(8); 公安机关办理行政案件程序规定 第一百五十一条、第一百五十二条)
    "hr_intro": "根据" + APL + "第六十四条第八项和《公安机关办理行政案件程序规定》第一百五十一条的规定，"
                "记录员将举行听证的情况记录如下：",
    "hr_matter": "案由", "hr_notices": "告知书及听证通知书", "hr_time": "听证时间", "hr_place": "听证地点",
    "hr_form": "听证方式", "hr_public": "公开举行", "hr_private": "依法不公开举行",
    "hr_host": "听证主持人", "hr_recorder": "记录员", "hr_participants": "听证参加人",
    "hr_investigator": "办案人民警察陈述的事实、证据、法律依据及行政处罚意见",
    "hr_party": "听证申请人的陈述和申辩", "hr_debate": "质证、辩论情况", "hr_final": "最后陈述意见",
    "hr_outcome": "听证主持人意见", "hr_none": "无",
    "hr_signed": "以上笔录已交听证申请人阅读（或者向其宣读），经核对无误。",
    "hr_refused": "听证申请人拒绝签名或者捺指印，记录员已记明情况（《公安机关办理行政案件程序规定》第一百五十二条）。",
    "hr_sign_party": "听证申请人（签名或者捺指印）：", "hr_sign_staff": "听证主持人、记录员（签名）：",
    # penalty decision (APL art. 59)
    "hearing_held": "听证情况：",
    "decision_applied": "根据{cites}的规定，本机关决定对你单位作出如下行政处罚：",
    "h_payment": "履行方式和期限：",
    "decision_payment": "你单位应当自收到本决定书之日起十五日内，持本决定书到{place}缴纳罚款"
                        "（" + APL + "第六十七条）。",
    "h_overdue": "逾期不履行的后果：",
    "decision_surcharge": "到期不缴纳罚款的，本机关将每日按罚款数额的百分之三加处罚款（即每日{per_day}），"
                          "加处罚款的数额不得超出罚款的数额（即最多{cap}）；并可以依照" + ACL +
                          "的规定申请人民法院强制执行（" + APL + "第七十二条）。",
    # payment reminder (ACL art. 35, 45, 54)
    "remind_intro": "本机关于{date}作出{number}《行政处罚决定书》，对你单位处以罚款{amount}，"
                    "该决定书已于{served}送达你单位。你单位至今未履行缴纳罚款的义务。",
    "remind_basis": "根据" + ACL + "第三十五条、第四十五条、第五十四条的规定，现催告你单位履行下列义务：",
    "h_r_deadline": "一、履行期限：", "remind_deadline": "于{deadline}（含当日）前履行完毕。",
    "h_r_method": "二、履行方式：", "remind_method": "持本催告书及原决定书到{place}缴纳。",
    "h_r_amount": "三、应缴金额：",
    "remind_amount": "罚款{fine}；截至{as_of}，加处罚款{surcharge}（每日按罚款数额的百分之三计算，"
                     "加处罚款的数额不得超出罚款的数额）；合计{total}。",
    "h_r_rights": "四、陈述和申辩：",
    "remind_rights": "你单位收到本催告书后有权进行陈述和申辩，可以在履行期限届满前向本机关书面提出。",
    "remind_consequence": "逾期仍不履行且无正当理由的，本机关将自本催告书送达十日后依法申请人民法院强制执行。",
    # filing
    "filing_intro": "你单位于{date}报送的位于{site}的公共安全视频图像信息系统（用途：{purpose}；"
                    "摄像机{cameras}台）备案材料收悉。",
    "filing_accepted": "经审查，材料齐全，符合{cites}的规定，予以备案。备案编号：{number}。",
    "filing_notes": "请注意：",
    "filing_incomplete": "经审查，材料不齐全，不符合{cites}的规定，现予退回。请于{deadline}（含当日）前"
                         "补正下列材料后重新报送：",
    # acceptance
    "acc_intro": "你单位位于{site}的公共安全视频图像信息系统（用途：{purpose}；摄像机{cameras}台）"
                 "于{date}进行验收，经验收，存在下列问题：",
    "acc_failed": "根据{cites}的规定，该系统验收不合格，不得投入使用。请于{deadline}（含当日）前完成整改"
                  "并重新申请验收：",
    # evidence request
    "ev_intro": "因{purpose}需要，根据{cites}的规定，本机关依法向你单位调取下列视频图像信息：",
    "col_no": "序号", "col_location": "位置/摄像机", "col_period": "起止时间", "col_desc": "说明",
    "ev_deadline": "请你单位于{deadline}（含当日）前如实提供，并在查阅、调取登记簿中登记。",
    "ev_officers": "调取人员：{officers}（已出示工作证件）。",
    # access register extract
    "reg_intro": "你单位位于{site}的公共安全视频图像信息系统自{start}至{end}的查阅、调取登记情况摘录如下"
                 "（依据{cites}）：",
    "col_time": "时间", "col_requester": "查阅调取单位", "col_officers": "人员",
    "col_purpose": "事由", "col_scope": "范围", "col_approval": "审批",
    "reg_certify": "以上共{count}条，经核对，与原始登记内容一致。",
    # service receipt
    "sr_document": "送达文书名称及文号", "sr_recipient": "受送达人", "sr_place": "送达地点",
    "sr_method": "送达方式", "sr_servers": "送达人", "sr_sign": "受送达人签名或者盖章",
    "sr_date_blank": "年　　月　　日", "sr_note": "备注", "sr_organ": "送达机关",
    "sr_note_text": "受送达人拒绝签收的，送达人应当在备注栏注明情况并邀请见证人签名。",
}

EN: dict[str, str] = {
    "party": "Party", "credit_code": "Unified social credit code", "id_number": "ID number",
    "address": "Address", "legal_rep": "Legal representative",
    "supersedes": "This document corrects and replaces {number}, which is void.",
    "decision_noun": "decision", "notice_noun": "notice",
    "review": "If you disagree with this {doc}, you may apply to {organ} for administrative "
              "reconsideration within 60 days of receiving it, or bring an administrative lawsuit "
              "before {court} within 6 months of receiving it.",
    "review_no_suspend": "Reconsideration or a lawsuit does not suspend this decision unless the "
                         "law provides otherwise.",
    "contact": "Contact: {contact}", "seal": "(seal)",
    "copies": "Made in two copies: one served on the party, one kept in the file.",
    "found": "Facts found: ",
    "violated": "The above violates {cites}. ",
    "evidence_intro": "The facts are proven by the following evidence:",
    "prior_notice": "By Notice {number} we informed you of the intended penalty, its facts, grounds "
                    "and basis, and of your rights to state your case, defend yourself and request "
                    "a hearing.",
    "statement_intro": "Statement and defence, and how they were taken into account: ",
    "and_correct": "You are further ordered to: ", "period": ".", "to": "to",
    "rect_order": "Under {cites}, you are ordered to correct the following by {deadline} "
                  "(inclusive): ",
    "rect_overdue": "If not corrected in time: ",
    "rect_overdue_refuse": "If refused or delayed: ",
    "warning_decided": "Under {cites}, this organ imposes a warning on you.",
    "notice_intro": "Under Article 44 of the Administrative Penalty Law, we inform you of the "
                    "penalty we intend to impose and its facts, grounds and basis:",
    "h_facts": "1. Facts: ", "h_grounds": "2. Grounds and basis: ",
    "h_proposed": "3. Intended penalty: ", "h_statement": "4. Statement and defence: ",
    "h_hearing": "5. Hearing: ",
    "notice_applied": "Under {cites}, this organ intends to impose a penalty.",
    "notice_statement": "You may state your case and defend yourself to this organ by {deadline} "
                        "(inclusive); otherwise the right is waived.",
    "notice_hearing": "Under Articles 63 and 64 of the Administrative Penalty Law you may request a "
                      "hearing by {deadline} (inclusive); otherwise the right is waived.",
    "no_heavier": "Stating your case will not lead to a heavier penalty (APL Article 45).",
    "hearing_intro": "At your request, a hearing on {matter} (Notice {number}) will be held under "
                     "Article 64 of the Administrative Penalty Law:",
    "h_time": "Time: ", "h_place": "Place: ", "h_host": "Presiding officer: ", "h_form": "Form: ",
    "hearing_public": "public.", "hearing_private": "closed (state secrets, trade secrets or privacy).",
    "hearing_rights_intro": "Your rights and duties at the hearing:",
    "hearing_r1": "attend in person or appoint one or two agents with a written power of attorney;",
    "hearing_r2": "ask for the presiding officer's recusal for a direct interest in the case;",
    "hearing_r3": "answer and cross-examine the facts, evidence and proposed penalty; check and "
                  "sign the record;",
    "hearing_r4": "failing to attend without good reason, or leaving without permission, waives "
                  "the hearing.",
    "hr_intro": "Under Article 64(8) of the Administrative Penalty Law and Article 151 of the "
                "Provisions on Administrative Cases of Public Security Organs, the recorder records "
                "the hearing as follows:",
    "hr_matter": "Matter", "hr_notices": "Prior notice and hearing notice", "hr_time": "Time",
    "hr_place": "Place", "hr_form": "Form", "hr_public": "public", "hr_private": "closed as the law provides",
    "hr_host": "Presiding officer", "hr_recorder": "Recorder", "hr_participants": "Participants",
    "hr_investigator": "Facts, evidence, legal basis and proposed penalty presented by the investigating officers",
    "hr_party": "The applicant's statement and defence", "hr_debate": "Cross-examination and argument",
    "hr_final": "Final statements", "hr_outcome": "Opinion of the presiding officer", "hr_none": "none",
    "hr_signed": "This record was read by (or to) the applicant and checked as correct.",
    "hr_refused": "The applicant refused to sign or fingerprint; the recorder noted it (Article 152).",
    "hr_sign_party": "Applicant (signature or fingerprint): ",
    "hr_sign_staff": "Presiding officer and recorder (signatures): ",
    "hearing_held": "Hearing: ",
    "decision_applied": "Under {cites}, this organ imposes the following penalty:",
    "h_payment": "How and when to pay: ",
    "decision_payment": "Pay within 15 days of receiving this decision at {place} (APL Article 67).",
    "h_overdue": "If not paid: ",
    "decision_surcharge": "a surcharge of 3% of the fine per day ({per_day} per day) accrues, not "
                          "exceeding the fine ({cap} at most), and enforcement may be sought from "
                          "the people's court (APL Article 72).",
    "remind_intro": "On {date} this organ decided by {number} to fine you {amount}; the decision "
                    "was served on {served}. The fine is unpaid.",
    "remind_basis": "Under Articles 35, 45 and 54 of the Administrative Compulsion Law you are "
                    "reminded to perform the following:",
    "h_r_deadline": "1. Deadline: ", "remind_deadline": "by {deadline} (inclusive).",
    "h_r_method": "2. How: ", "remind_method": "pay at {place}.",
    "h_r_amount": "3. Amount due: ",
    "remind_amount": "fine {fine}; surcharge to {as_of}: {surcharge} (3% per day, capped at the "
                     "fine); total {total}.",
    "h_r_rights": "4. Statement and defence: ",
    "remind_rights": "you may state your case in writing before the deadline.",
    "remind_consequence": "If still unpaid without good reason, this organ will apply to the "
                          "people's court for enforcement ten days after serving this reminder.",
    "filing_intro": "We received on {date} your filing for the video system at {site} "
                    "(purpose: {purpose}; {cameras} cameras). ",
    "filing_accepted": "The materials are complete under {cites}; the filing is recorded as "
                       "{number}.",
    "filing_notes": "Please note:",
    "filing_incomplete": "The materials are incomplete under {cites} and are returned. Resubmit "
                         "by {deadline} (inclusive) with:",
    "acc_intro": "Your video system at {site} (purpose: {purpose}; {cameras} cameras) was "
                 "inspected for acceptance on {date}. Findings:",
    "acc_failed": "Under {cites} the system failed acceptance and must not be used. Correct by "
                  "{deadline} (inclusive) and apply again: ",
    "ev_intro": "For {purpose}, under {cites}, this organ requires the following footage:",
    "col_no": "No.", "col_location": "Location / camera", "col_period": "Period",
    "col_desc": "Description",
    "ev_deadline": "Provide it by {deadline} (inclusive) and record it in the access register.",
    "ev_officers": "Officers: {officers} (credentials shown).",
    "reg_intro": "Extract of the access register of the video system at {site}, {start} to {end} "
                 "(under {cites}):",
    "col_time": "Time", "col_requester": "Requester", "col_officers": "Officers",
    "col_purpose": "Purpose", "col_scope": "Scope", "col_approval": "Approval",
    "reg_certify": "{count} entries, checked against the original register.",
    "sr_document": "Document served", "sr_recipient": "Recipient", "sr_place": "Place",
    "sr_method": "Method", "sr_servers": "Served by", "sr_sign": "Recipient's signature or seal",
    "sr_date_blank": "Date:", "sr_note": "Notes", "sr_organ": "Serving organ",
    "sr_note_text": "If the recipient refuses to sign, the server notes it here with a witness.",
}

LABELS = {"zh": ZH, "en": EN}
assert set(ZH) == set(EN), set(ZH) ^ set(EN)
